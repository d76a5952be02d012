// A supporter's data (a citizen who supported an appeal, or the representative of a supporter
// organisation) for the export and the deletion of a person's data. Found by the hash of the
// e-mail address, so also after retention dropped the address itself.
import type { Db } from '../db/client.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { PSEUDONYM, pseudonymiseAuditEvents, recordAudit } from '../audit/audit.service.ts';
import { deleteSupporters } from '../supporters/supporter-privacy.service.ts';
import type { Supporter } from '../supporters/supporters.table.ts';
import { privacyRepository } from './privacy.repository.ts';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** One supporter row, as the person gets it. */
export function supporterExport({ db, supporter }: { db: Db; supporter: Supporter }) {
  const appeal = appealsRepository(db).findById(supporter.appealId);
  const organisation =
    supporter.kind === 'organisation'
      ? {
          name: supporter.organisationName,
          shortName: supporter.shortName,
          website: supporter.website,
          address: supporter.address,
          function: supporter.representativeFunction,
          logo: supporter.logoFile !== null,
          authorityDeclared: supporter.authorityDeclared,
          rejectReason: supporter.rejectReason,
        }
      : null;
  return {
    supporterId: supporter.id,
    appeal: { title: appeal?.title ?? '', slug: appeal?.slug ?? '', coalition: appeal?.coalitionName ?? '' },
    kind: supporter.kind,
    state: supporter.state,
    firstName: supporter.firstName,
    lastName: supporter.lastName,
    postcode: supporter.postcode,
    place: supporter.place,
    /** Null once deleted after sending (retention); the signature still counts. */
    email: supporter.email,
    organisation,
    comment: supporter.comment,
    commentState: supporter.commentState,
    consents: { nameShown: supporter.showName, keepInformed: supporter.keepInformed, logo: supporter.consentLogo },
    createdAt: iso(supporter.createdAt),
    confirmedAt: iso(supporter.confirmedAt),
    decidedAt: iso(supporter.decidedAt),
    withdrawnAt: iso(supporter.withdrawnAt),
  };
}

export type SupporterExport = ReturnType<typeof supporterExport>;

const nameOf = (supporter: Supporter) => `${supporter.firstName} ${supporter.lastName}`.trim();

/**
 * Deletes supporter rows in the caller's transaction: a deleted supporter no longer counts on
 * the public page (the triggers lower the count); a letter already frozen keeps its number.
 * Mentions in the appeal's audit trail and mails to the address in that appeal are pseudonymised.
 * Returns the logo files to remove after the commit and the Message-IDs of the mails.
 */
export function deleteSupporterRows({ db, clock, rows }: { db: Db; clock: Clock; rows: Supporter[] }): { deleted: number; auditEvents: number; mails: number; messageIds: string[]; logoFiles: string[] } {
  const repository = privacyRepository(db);
  const result = { deleted: 0, auditEvents: 0, mails: 0, messageIds: [] as string[], logoFiles: [] as string[] };
  for (const supporter of rows) {
    result.auditEvents += pseudonymiseAuditEvents({ db, appealId: supporter.appealId, mentions: [nameOf(supporter), supporter.email ?? ''].filter(Boolean) });
    if (supporter.email) {
      const mails = repository.outboxTo(supporter.email.trim().toLowerCase()).filter((mail) => mail.appealId === supporter.appealId);
      repository.pseudonymiseOutbox(mails.map((mail) => mail.id), PSEUDONYM, clock());
      result.mails += mails.length;
      result.messageIds.push(...mails.flatMap((mail) => (mail.messageId ? [mail.messageId] : [])));
    }
    if (supporter.logoFile) result.logoFiles.push(supporter.logoFile);
    recordAudit({ db, clock, appealId: supporter.appealId, actor: 'System', action: 'personal_data_deleted', detail: supporter.kind === 'organisation' ? `Unterstützende Organisation ${supporter.organisationName}` : 'Unterstützer:in' });
  }
  result.deleted = deleteSupporters({ db, ids: rows.map((row) => row.id) });
  return result;
}

/** Removes the logo files of deleted supporter organisations (after the commit). */
export function removeSupporterLogos(fileStore: FileStore, files: string[]): void {
  for (const file of files) fileStore.remove('logos', file);
}

