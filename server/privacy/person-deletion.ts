// Deleting a person's data. What goes and what stays, per table (README "Security and privacy"):
// - signatories (representative): name → "gelöschte Person"; function, e-mail, decline reason
//   emptied; public-naming consent off; signature image file removed; personal links deleted.
//   Kept: organisation, tier, status, signed version and time, signature kind, logo consent —
//   the coalition's record that organisation X signed version N at time T. Someone who had
//   not (yet) signed cannot be asked any more: the entry becomes "declined" ("withdrawn" for
//   a signature of an older version), so no reminder goes out.
// - addressees: the entry is deleted. deliveries and letter_documents keep that a letter with
//   code C was issued and sent at time T, with the name/address replaced by the pseudonym.
// - replies to the addressee's letters (replies/): text, subject, author and office emptied,
//   no longer published, files deleted; the row keeps that an answer came, how and when.
//   Bounce and auto-reply notices lose their words. Confirmation mails go as below.
// - supporters (citizens, supporter organisations; found by the hash of the address): the row
//   is deleted, so they no longer count on the public page; a letter already finalised keeps
//   its frozen names and number. The logo file goes; mentions and mails as below.
// - organisers: the account is deleted (sessions and memberships go with it); dispatches keep
//   "started by gelöschte Person". Refused while they are an appeal's only owner or own lists.
// - mail_outbox: rows to the person keep state and time, lose recipient and content; one
//   still waiting is not sent any more. Their .eml files are deleted.
// - audit_events: every mention (name, e-mail address) → pseudonym, address removed; the
//   salted digest and the hashes stay, so the chain still verifies.
// - letter_documents.signatories (the snapshot shown on /v/): the name → pseudonym.
// PDF bytes already sent stay with their recipients; a letter rendered again prints the pseudonym.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { PSEUDONYM, pseudonymiseAuditEvents, recordAudit } from '../audit/audit.service.ts';
import { organiserActor } from '../organisers/organiser-actor.ts';
import { readStoredMail } from '../mail/mail-files.ts';
import { emlFilePattern } from '../mail/transport.ts';
import { normaliseEmail } from './person-export.ts';
import { privacyRepository } from './privacy.repository.ts';
import { findSupportersByEmail } from '../supporters/supporter-privacy.service.ts';
import { supportersRepository } from '../supporters/supporters.repository.ts';
import type { Supporter } from '../supporters/supporters.table.ts';
import { deleteSupporterRows, removeSupporterLogos } from './supporter-data.ts';
import { eraseReplies } from './reply-data.ts';
import type { ReplyFileStore } from '../replies/reply-files.ts';

export type DeletionDeps = { db: Db; clock: Clock; fileStore: FileStore; mailDir: string; replyFiles: ReplyFileStore };

/** What a deletion changed, for the confirmation and the operator's output. */
export type DeletionReport = { representatives: number; addressees: number; replies: number; supporters: number; organiser: boolean; mails: number; emlFiles: number; auditEvents: number; refused: string[] };

const emptyReport = (): DeletionReport => ({ representatives: 0, addressees: 0, replies: 0, supporters: 0, organiser: false, mails: 0, emlFiles: 0, auditEvents: 0, refused: [] });

/** Deletes the stored .eml files with one of these Message-IDs or to this address. */
function removeEmlFiles(dir: string, { messageIds, address }: { messageIds: string[]; address?: string }): number {
  if (messageIds.length === 0 && !address) return 0;
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => emlFilePattern.test(name));
  } catch {
    return 0;
  }
  const ids = new Set(messageIds);
  let removed = 0;
  for (const name of names) {
    const stored = readStoredMail(dir, name.slice(0, -'.eml'.length));
    if (!stored) continue;
    const to = stored.message.header('to').toLowerCase();
    if (ids.has(stored.message.header('message-id').trim()) || (address && to.includes(address))) {
      rmSync(join(dir, name), { force: true });
      removed += 1;
    }
  }
  return removed;
}

/** Replaces a signatory in the snapshots of the appeal's issued documents (shown on /v/). */
function pseudonymiseSnapshots(db: Db, appealId: number, person: { name: string; organisation: string }): void {
  const repository = privacyRepository(db);
  for (const document of repository.documentsOfAppeal(appealId)) {
    const entries = JSON.parse(document.signatories) as { name: string; function: string; organisation: string }[];
    let changed = false;
    const next = entries.map((entry) => {
      if (entry.name !== person.name || entry.organisation !== person.organisation) return entry;
      changed = true;
      return { ...entry, name: PSEUDONYM, function: '' };
    });
    if (changed) repository.setDocumentSignatories(document.id, JSON.stringify(next));
  }
}

type Pending = { report: DeletionReport; messageIds: string[]; files: string[]; logos: string[]; replyFiles: string[] };

function deleteSignatoryRows(db: Db, clock: Clock, signatoryId: number, appealId: number, pending: Pending): void {
  const repository = privacyRepository(db);
  const row = repository.signatoryOfAppeal(appealId, signatoryId);
  if (!row) return;
  const { signatory, organisation } = row;
  const mails = repository.outboxByRef(`signatory:${signatory.id}`);
  repository.pseudonymiseOutbox(mails.map((mail) => mail.id), PSEUDONYM, clock());
  pending.report.auditEvents += pseudonymiseAuditEvents({ db, appealId, mentions: [signatory.representativeName, signatory.representativeEmail] });
  pseudonymiseSnapshots(db, appealId, { name: signatory.representativeName, organisation: organisation.name });
  // Someone deleted can no longer be asked: an open invitation ends as declined, an older signature as withdrawn.
  const status = signatory.status === 'needs_reconfirmation' ? 'withdrawn' : ['not_invited', 'invited', 'viewed'].includes(signatory.status) ? 'declined' : signatory.status;
  repository.pseudonymiseSignatory(signatory.id, PSEUDONYM, status);
  recordAudit({ db, clock, appealId, actor: 'System', action: 'personal_data_deleted', detail: `Vertretung von ${organisation.name}` });
  if (signatory.signatureFile) pending.files.push(signatory.signatureFile);
  pending.messageIds.push(...mails.flatMap((mail) => (mail.messageId ? [mail.messageId] : [])));
  pending.report.mails += mails.length;
  pending.report.representatives += 1;
}

/** The addressee's entry, and their letters, deliveries, replies and mails of one appeal (or all when appealId is undefined); returns the repliers' names and addresses (audit mentions). */
function deleteAddresseeRows(db: Db, clock: Clock, addresseeId: number, appealId: number | undefined, pending: Pending): string[] {
  const repository = privacyRepository(db);
  const deliveries = repository.deliveriesOfAddressee(addresseeId, appealId);
  const replies = eraseReplies({ db, clock, deliveryIds: deliveries.map(({ delivery }) => delivery.id), pseudonym: PSEUDONYM });
  pending.replyFiles.push(...replies.files);
  pending.messageIds.push(...replies.messageIds);
  pending.report.replies += replies.replies;
  pending.report.mails += replies.mails;
  const outbox = deliveries.flatMap(({ outbox: row }) => (row ? [row] : []));
  repository.pseudonymiseOutbox(outbox.map((row) => row.id), PSEUDONYM, clock());
  repository.pseudonymiseDeliveries(deliveries.map(({ delivery }) => delivery.id), PSEUDONYM);
  repository.pseudonymiseDocumentsOfAddressee(addresseeId, PSEUDONYM, appealId);
  pending.messageIds.push(...outbox.flatMap((row) => (row.messageId ? [row.messageId] : [])));
  pending.report.mails += outbox.length;
  return replies.mentions;
}

function finish(deps: DeletionDeps, pending: Pending, address?: string): DeletionReport {
  for (const file of pending.files) deps.fileStore.remove('signatures', file);
  removeSupporterLogos(deps.fileStore, pending.logos);
  for (const name of pending.replyFiles) deps.replyFiles.remove(name);
  pending.report.emlFiles += removeEmlFiles(deps.mailDir, { messageIds: pending.messageIds, ...(address ? { address } : {}) });
  return pending.report;
}

const newPending = (): Pending => ({ report: emptyReport(), messageIds: [], files: [], logos: [], replyFiles: [] });

function deleteSupportersOf(db: Db, clock: Clock, rows: Supporter[], pending: Pending): void {
  const done = deleteSupporterRows({ db, clock, rows });
  pending.report.supporters += done.deleted;
  pending.report.auditEvents += done.auditEvents;
  pending.report.mails += done.mails;
  pending.messageIds.push(...done.messageIds);
  pending.logos.push(...done.logoFiles);
}

/** A supporter of this appeal (its owner asked). */
export function deleteSupporter({ appeal, supporterId, ...deps }: DeletionDeps & { appeal: Appeal; supporterId: number }): DeletionReport | undefined {
  const supporter = supportersRepository(deps.db).findInAppeal(appeal.id, supporterId);
  if (!supporter) return undefined;
  const pending = newPending();
  deps.db.transaction((tx) => deleteSupportersOf(tx, deps.clock, [supporter], pending));
  return finish(deps, pending);
}

/** The representative of a signing organisation of this appeal (its owner asked). */
export function deleteRepresentative({ appeal, signatoryId, ...deps }: DeletionDeps & { appeal: Appeal; signatoryId: number }): DeletionReport | undefined {
  if (!privacyRepository(deps.db).signatoryOfAppeal(appeal.id, signatoryId)) return undefined;
  const pending = newPending();
  deps.db.transaction((tx) => deleteSignatoryRows(tx, deps.clock, signatoryId, appeal.id, pending));
  return finish(deps, pending);
}

function deleteAddresseeEverywhere(db: Db, clock: Clock, addresseeId: number, appealId: number | undefined, pending: Pending): void {
  const repository = privacyRepository(db);
  const deliveries = repository.deliveriesOfAddressee(addresseeId, appealId);
  const row = appealId !== undefined ? repository.addresseeOfAppeal(appealId, addresseeId) : repository.addresseeById(addresseeId);
  if (!row) return;
  const { addressee } = row;
  const repliers = deleteAddresseeRows(db, clock, addresseeId, appealId, pending);
  const mentions = [addressee.email, `${addressee.firstName} ${addressee.lastName}`.trim(), ...deliveries.map(({ delivery }) => delivery.label), ...repliers];
  const appealIds = appealId !== undefined ? [appealId] : [...new Set(deliveries.map((delivery) => delivery.appealId))];
  for (const id of appealIds) {
    pending.report.auditEvents += pseudonymiseAuditEvents({ db, appealId: id, mentions });
    recordAudit({ db, clock, appealId: id, actor: 'System', action: 'personal_data_deleted', detail: 'Empfänger:in eines Briefes' });
  }
  repository.deleteAddressee(addressee.id);
  pending.report.addressees += 1;
}

/** An addressee in a list of this appeal (its owner asked): the entry, and this appeal's letters, deliveries and mails. */
export function deleteAddressee({ appeal, addresseeId, ...deps }: DeletionDeps & { appeal: Appeal; addresseeId: number }): DeletionReport | undefined {
  if (!privacyRepository(deps.db).addresseeOfAppeal(appeal.id, addresseeId)) return undefined;
  const pending = newPending();
  deps.db.transaction((tx) => deleteAddresseeEverywhere(tx, deps.clock, addresseeId, appeal.id, pending));
  return finish(deps, pending);
}

/** Why an organiser's account cannot be deleted yet (German, for the page and the CLI). */
export function organiserDeletionObstacles({ db, organiserId }: { db: Db; organiserId: number }): string[] {
  const repository = privacyRepository(db);
  return [
    ...repository.appealsOnlyOwnedBy(organiserId).map((appeal) => `Sie sind die einzige Eigentümer:in des Aufrufs „${appeal.title}“. Übertragen Sie die Rolle zuerst.`),
    ...repository.listsOwnedBy(organiserId).map((list) => `Ihnen gehört die Adressliste „${list.name}“. Löschen oder übergeben Sie sie zuerst.`),
  ];
}

function deleteOrganiserRows(db: Db, clock: Clock, organiserId: number, pending: Pending): void {
  const repository = privacyRepository(db);
  const organiser = repository.organiserById(organiserId);
  if (!organiser) return;
  const obstacles = organiserDeletionObstacles({ db, organiserId });
  if (obstacles.length > 0) {
    pending.report.refused.push(...obstacles);
    return;
  }
  const mails = repository.outboxTo(organiser.email);
  repository.pseudonymiseOutbox(mails.map((mail) => mail.id), PSEUDONYM, clock());
  pending.messageIds.push(...mails.flatMap((mail) => (mail.messageId ? [mail.messageId] : [])));
  pending.report.mails += mails.length;
  pending.report.auditEvents += pseudonymiseAuditEvents({ db, mentions: [organiserActor(organiser), organiser.email] });
  repository.pseudonymiseDispatchStarter(organiser.id, PSEUDONYM);
  repository.deleteOrganiser(organiser.id);
  pending.report.organiser = true;
}

/** An organiser's own account (they asked on their account page). */
export function deleteOrganiserAccount({ organiserId, ...deps }: DeletionDeps & { organiserId: number }): DeletionReport {
  const pending = newPending();
  const email = privacyRepository(deps.db).organiserById(organiserId)?.email;
  deps.db.transaction((tx) => deleteOrganiserRows(tx, deps.clock, organiserId, pending));
  return pending.report.organiser && email ? finish(deps, pending, email) : pending.report;
}

/** Everything under an e-mail address, in every appeal and list (the operator, by CLI). */
export function deletePersonByEmail({ email, ...deps }: DeletionDeps & { email: string }): DeletionReport {
  const address = normaliseEmail(email);
  const pending = newPending();
  deps.db.transaction((tx) => {
    const repository = privacyRepository(tx);
    for (const { signatory } of repository.signatoriesByEmail(address)) deleteSignatoryRows(tx, deps.clock, signatory.id, signatory.appealId, pending);
    for (const { addressee } of repository.addresseesByEmail(address)) deleteAddresseeEverywhere(tx, deps.clock, addressee.id, undefined, pending);
    deleteSupportersOf(tx, deps.clock, findSupportersByEmail({ db: tx, email: address }), pending);
    const organiser = repository.organiserByEmail(address);
    if (organiser) deleteOrganiserRows(tx, deps.clock, organiser.id, pending);
    // Whatever else was sent to the address.
    const rest = repository.outboxTo(address);
    repository.pseudonymiseOutbox(rest.map((mail) => mail.id), PSEUDONYM, deps.clock());
    pending.messageIds.push(...rest.flatMap((mail) => (mail.messageId ? [mail.messageId] : [])));
    pending.report.mails += rest.length;
  });
  return finish(deps, pending, address);
}
