// What Mitzeichnen holds about one person, as one JSON-ready object: as a representative of
// a signing organisation, as an addressee of letters, as an organiser. Three ways in, each
// with its own scope: the owner of an appeal sees only that appeal's rows (never another
// coalition's), an organiser their own account, the operator (CLI) everything by e-mail.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import type { OutboxRow } from '../mail/mail.table.ts';
import { auditEventsMentioning } from '../audit/audit.service.ts';
import type { AuditEvent } from '../audit/audit.table.ts';
import { organiserActor } from '../organisers/organiser-actor.ts';
import { privacyRepository } from './privacy.repository.ts';
import { findSupportersByEmail } from '../supporters/supporter-privacy.service.ts';
import { supportersRepository } from '../supporters/supporters.repository.ts';
import { supporterExport } from './supporter-data.ts';
import { repliesExport } from './reply-data.ts';
import type { SupporterExport } from './supporter-data.ts';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

const mailOf = (row: OutboxRow) => ({ kind: row.kind, recipient: row.recipient, subject: row.subject, state: row.state, createdAt: iso(row.createdAt), sentAt: iso(row.sentAt) });
const eventOf = (event: AuditEvent) => ({ appealId: event.appealId, at: iso(event.at), actor: event.actor, action: event.action, detail: event.detail, network: event.ip });

export type MailExport = ReturnType<typeof mailOf>;
export type AuditEventExport = ReturnType<typeof eventOf>;

type SignatoryRow = NonNullable<ReturnType<ReturnType<typeof privacyRepository>['signatoryOfAppeal']>>;
type AddresseeRow = NonNullable<ReturnType<ReturnType<typeof privacyRepository>['addresseeOfAppeal']>>;

function representativeExport({ db, fileStore, row }: { db: Db; fileStore: FileStore; row: SignatoryRow }) {
  const repository = privacyRepository(db);
  const { signatory, organisation, appeal } = row;
  const version = repository.version(signatory.signedVersionId);
  const image = signatory.signatureFile ? fileStore.read('signatures', signatory.signatureFile) : undefined;
  const mails = repository.outboxByRef(`signatory:${signatory.id}`);
  return {
    signatoryId: signatory.id,
    appeal: { title: appeal.title, slug: appeal.slug, coalition: appeal.coalitionName },
    organisation: organisation.name,
    name: signatory.representativeName,
    function: signatory.representativeFunction,
    email: signatory.representativeEmail,
    tier: signatory.tier,
    status: signatory.status,
    invitedAt: iso(signatory.invitedAt),
    lastActivityAt: iso(signatory.lastActivityAt),
    signedAt: iso(signatory.signedAt),
    signedVersion: version ? { number: version.number, sha256: version.hash } : null,
    signatureKind: signatory.signatureKind,
    signatureImage: image ? { file: signatory.signatureFile, pngBase64: image.toString('base64') } : null,
    declineReason: signatory.declineReason,
    consents: { namedInPublic: signatory.consentPublic, logoInLetter: signatory.consentLogo },
    linksSent: repository.linksOf(signatory.id).map((link) => ({ purpose: link.purpose, createdAt: iso(link.createdAt), expiresAt: iso(link.expiresAt), revokedAt: iso(link.revokedAt) })),
    mails: mails.map(mailOf),
    auditEvents: auditEventsMentioning({ db, appealId: appeal.id, mentions: [signatory.representativeName, signatory.representativeEmail] }).map(eventOf),
  };
}

const fullName = (entry: { firstName: string; lastName: string }) => `${entry.firstName} ${entry.lastName}`.trim();

function addresseeExport({ db, row, appealId }: { db: Db; row: AddresseeRow; appealId?: number }) {
  const repository = privacyRepository(db);
  const { addressee, list } = row;
  const deliveries = repository.deliveriesOfAddressee(addressee.id, appealId);
  const appealIds = [...new Set(deliveries.map((delivery) => delivery.appealId))];
  const mentions = [addressee.email, fullName(addressee)];
  const events = appealId !== undefined ? auditEventsMentioning({ db, appealId, mentions }) : appealIds.flatMap((id) => auditEventsMentioning({ db, appealId: id, mentions }));
  return {
    addresseeId: addressee.id,
    list: list.name,
    entry: {
      salutation: addressee.salutation,
      title: addressee.title,
      firstName: addressee.firstName,
      lastName: addressee.lastName,
      function: addressee.function,
      institution: addressee.institution,
      department: addressee.department,
      street: addressee.street,
      postcode: addressee.postcode,
      city: addressee.city,
      email: addressee.email,
      letterSalutation: addressee.letterSalutation,
      verifiedAt: addressee.verifiedAt,
      note: addressee.note,
      createdAt: iso(addressee.createdAt),
      updatedAt: iso(addressee.updatedAt),
    },
    letters: repository.documentsOfAddressee(addressee.id, appealId).map(({ document, appealTitle }) => ({
      appeal: appealTitle,
      code: document.code,
      kind: document.kind,
      draft: document.draft,
      addressLines: document.addressLines,
      renderedAt: iso(document.renderedAt),
      sentAt: iso(document.sentAt),
    })),
    deliveries: deliveries.map(({ delivery, outbox, appealTitle }) => ({
      appeal: appealTitle,
      label: delivery.label,
      email: delivery.email,
      channel: delivery.channel,
      documentCode: delivery.documentCode,
      state: outbox?.state ?? null,
      sentAt: iso(outbox?.sentAt),
    })),
    mails: deliveries.flatMap(({ outbox }) => (outbox ? [mailOf(outbox)] : [])),
    // What came back: the replies (text, files listed, dates) and the bounces and auto-replies.
    ...repliesExport({ db, deliveryIds: deliveries.map(({ delivery }) => delivery.id) }),
    auditEvents: events.map(eventOf),
  };
}

function organiserExport({ db, organiserId }: { db: Db; organiserId: number }) {
  const repository = privacyRepository(db);
  const organiser = repository.organiserById(organiserId);
  if (!organiser) return null;
  return {
    account: { email: organiser.email, name: organiser.name, createdAt: iso(organiser.createdAt) },
    memberships: repository.membershipsOf(organiser.id).map((membership) => ({ appeal: membership.title, slug: membership.slug, role: membership.role, since: iso(membership.since) })),
    sessions: repository.sessionsOf(organiser.id).map((session) => ({ createdAt: iso(session.createdAt), lastSeenAt: iso(session.lastSeenAt), expiresAt: iso(session.expiresAt) })),
    addresseeLists: repository.listsOwnedBy(organiser.id).map((list) => list.name),
    mails: repository.outboxTo(organiser.email).map(mailOf),
    auditEvents: auditEventsMentioning({ db, mentions: [organiserActor(organiser), organiser.email] }).map(eventOf),
  };
}

export type RepresentativeExport = ReturnType<typeof representativeExport>;
export type AddresseeExport = ReturnType<typeof addresseeExport>;
export type OrganiserExport = NonNullable<ReturnType<typeof organiserExport>>;

/** One person's data; the lists are empty where they do not appear in that role. */
export type PersonExport = {
  exportedAt: string;
  /** What the export covers: one appeal (its owner asked), one account, or the whole installation (operator). */
  scope: string;
  email: string;
  representatives: RepresentativeExport[];
  addressees: AddresseeExport[];
  /** Citizens and representatives of supporter organisations, found by the hash of the address. */
  supporters: SupporterExport[];
  organiser: OrganiserExport | null;
  /** Operator export only: every stored e-mail to the address, whatever it was about. */
  mailsToAddress: MailExport[];
};

const person = (clock: Clock, scope: string, email: string, parts: Partial<PersonExport>): PersonExport => ({
  exportedAt: clock().toISOString(),
  scope,
  email,
  representatives: [],
  addressees: [],
  supporters: [],
  organiser: null,
  mailsToAddress: [],
  ...parts,
});

/** The representative of a signing organisation of this appeal, within this appeal only. */
export function exportRepresentative({ db, fileStore, clock, appeal, signatoryId }: { db: Db; fileStore: FileStore; clock: Clock; appeal: Appeal; signatoryId: number }): PersonExport | undefined {
  const row = privacyRepository(db).signatoryOfAppeal(appeal.id, signatoryId);
  if (!row) return undefined;
  return person(clock, `appeal:${appeal.slug}`, row.signatory.representativeEmail, { representatives: [representativeExport({ db, fileStore, row })] });
}

/** An addressee in a list of this appeal: the entry, and this appeal's letters, deliveries and mails. */
export function exportAddressee({ db, clock, appeal, addresseeId }: { db: Db; clock: Clock; appeal: Appeal; addresseeId: number }): PersonExport | undefined {
  const row = privacyRepository(db).addresseeOfAppeal(appeal.id, addresseeId);
  if (!row) return undefined;
  return person(clock, `appeal:${appeal.slug}`, row.addressee.email, { addressees: [addresseeExport({ db, row, appealId: appeal.id })] });
}

/** A supporter of this appeal (citizen or supporter organisation), within this appeal only. */
export function exportSupporter({ db, clock, appeal, supporterId }: { db: Db; clock: Clock; appeal: Appeal; supporterId: number }): PersonExport | undefined {
  const supporter = supportersRepository(db).findInAppeal(appeal.id, supporterId);
  if (!supporter) return undefined;
  return person(clock, `appeal:${appeal.slug}`, supporter.email ?? '', { supporters: [supporterExport({ db, supporter })] });
}

/** An organiser's own account. */
export function exportOrganiser({ db, clock, organiserId }: { db: Db; clock: Clock; organiserId: number }): PersonExport | undefined {
  const organiser = organiserExport({ db, organiserId });
  if (!organiser) return undefined;
  return person(clock, 'account', organiser.account.email, { organiser });
}

/** Everything under an e-mail address, in every appeal and list (the operator, by CLI). */
export function exportPersonByEmail({ db, fileStore, clock, email }: { db: Db; fileStore: FileStore; clock: Clock; email: string }): PersonExport {
  const address = normaliseEmail(email);
  const repository = privacyRepository(db);
  const organiser = repository.organiserByEmail(address);
  const representatives = repository.signatoriesByEmail(address).map((row) => representativeExport({ db, fileStore, row }));
  const addressees = repository.addresseesByEmail(address).map((row) => addresseeExport({ db, row }));
  return person(clock, 'installation', address, {
    representatives,
    addressees,
    supporters: findSupportersByEmail({ db, email: address }).map((supporter) => supporterExport({ db, supporter })),
    organiser: organiser ? organiserExport({ db, organiserId: organiser.id }) : null,
    mailsToAddress: repository.outboxTo(address).map(mailOf),
  });
}

/** Whether an export found anything at all. */
export const isEmptyExport = (exported: PersonExport) => exported.representatives.length === 0 && exported.addressees.length === 0 && exported.supporters.length === 0 && exported.organiser === null && exported.mailsToAddress.length === 0;
