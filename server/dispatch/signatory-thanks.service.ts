// After sending: every first signatory's representative receives the final letter with thanks,
// once per appeal (the dispatch row records that the thanks were queued).
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Db } from '../db/client.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import { isValidMailAddress } from '../mail/mail.service.ts';
import type { Clock } from '../shared/clock.ts';
import { listSignatories } from '../signatories/signatories.service.ts';
import { currentVersionOf, signatureCountsFor } from '../signing/versions.ts';
import { dispatchRepository } from './dispatch.repository.ts';

export const SIGNATORY_THANKS_KIND = 'signatory-thanks';
export type SignatoryThanksPayload = { signatoryId: number; dispatchId: number };

/** The first signatories whose signature is under the letter that went out. */
export function thankedSignatories({ db, appeal }: { db: Db; appeal: Appeal }) {
  const version = currentVersionOf({ db, appeal });
  return listSignatories({ db, appeal }).filter((entry) => entry.signatory.tier === 'first' && signatureCountsFor(entry.signatory, version));
}

/** Queues the thanks inside the transaction that finished the dispatch; a second call queues nothing. */
export function queueSignatoryThanks({ db, clock, appeal, dispatchId }: { db: Db; clock: Clock; appeal: Appeal; dispatchId: number }): number {
  if (!dispatchRepository(db).claimThanks(dispatchId, clock())) return 0;
  let queued = 0;
  for (const { signatory } of thankedSignatories({ db, appeal })) {
    if (!isValidMailAddress(signatory.representativeEmail)) continue;
    const payload: SignatoryThanksPayload = { signatoryId: signatory.id, dispatchId };
    enqueueMail({ db, clock, mail: { kind: SIGNATORY_THANKS_KIND, payload, to: signatory.representativeEmail, toName: signatory.representativeName, appealId: appeal.id, ref: `thanks:${signatory.id}` } });
    queued += 1;
  }
  return queued;
}
