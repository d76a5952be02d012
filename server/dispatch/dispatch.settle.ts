// The end of a dispatch: once no e-mail delivery is open any more, the dispatch is finished
// and the appeal moves from "wird versendet" to "versendet".
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/client.ts';
import { markDocumentSent } from '../letters/letter-documents.service.ts';
import type { Clock } from '../shared/clock.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import { queueSignatoryThanks } from './signatory-thanks.service.ts';

/**
 * Marks the documents of letters that went out as sent (repairs a missed outcome hook) and,
 * when nothing is open any more, finishes the dispatch and applies 'finishSending' in one
 * transaction. Idempotent; returns whether this call finished the dispatch.
 */
export function settleDispatch({ db, clock, dispatchId }: { db: Db; clock: Clock; dispatchId: number }): boolean {
  const repository = dispatchRepository(db);
  const dispatch = repository.findById(dispatchId);
  if (!dispatch) return false;
  for (const { code, sentAt } of repository.sentUnmarkedDocuments(dispatchId)) markDocumentSent({ db, code, sentAt });
  if (dispatch.finishedAt || repository.hasOpen(dispatchId)) return false;
  const now = clock();
  return db.transaction((tx) => {
    if (!dispatchRepository(tx).finish(dispatch.id, now)) return false;
    // After a resend the appeal is already "versendet"; the event then does not apply.
    appealsRepository(tx).applyEvent(dispatch.appealId, 'finishSending', now);
    recordAudit({ db: tx, clock, appealId: dispatch.appealId, actor: 'Mitzeichnen', action: 'dispatch_finished', detail: 'alle Briefe versendet oder entschieden' });
    // The first signatories receive the letter sent in their name (once per appeal).
    const appeal = appealsRepository(tx).findById(dispatch.appealId);
    if (appeal) queueSignatoryThanks({ db: tx, clock, appeal, dispatchId: dispatch.id });
    return true;
  });
}
