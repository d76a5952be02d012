import type { Db } from '../db/client.ts';
import { MAX_URL_LENGTH, MAX_WORD_LENGTH, findOverlongWord } from '../letter-pdf/word-limits.ts';
import type { Clock } from '../shared/clock.ts';
import { conflict } from '../shared/app-error.ts';
import { readForm } from '../shared/form.ts';
import type { FormResult } from '../shared/form.ts';
import { appealSlug } from '../shared/slug.ts';
import { findOrganiserByEmail } from '../organisers/organisers.service.ts';
import { appealsRepository } from './appeals.repository.ts';
import { mayDelete, mayEditText } from './appeal-lifecycle.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import type { MemberAddedPayload } from './appeals.mails.ts';
import { appealKinds, publicFromOptions, roles } from './appeals.table.ts';
import type { Appeal, AppealKind, PublicFrom, Role } from './appeals.table.ts';

export type AppealInput = {
  kind: AppealKind;
  coalitionName: string;
  title: string;
  subtitle: string;
  place: string;
  letterDate: string;
  reference: string;
  salutationOverride: string;
  body: string;
  closing: string;
  contactName: string;
  contactFunction: string;
  contactEmail: string;
  contactPhone: string;
  ccLines: string;
  attachmentLines: string;
  listFirstSignatories: boolean;
  publicPage: boolean;
  /** The coalition's postal address, one part per line (left out: none). */
  senderAddress?: string;
  /** "Gleichlautende Schreiben an: …" in the letter (left out: on, the column's default). */
  letterNamesRecipients?: boolean;
  // The form always sends these; left out (older callers, demo data), the columns' defaults apply: all off.
} & Partial<PublicSettings>;

/** The public page and what the letter says of its supporters (DESIGN §8). */
export type PublicSettings = {
  publicPage: boolean;
  publicFrom: PublicFrom;
  /** ISO date; '' = open until sending. */
  supportClosesOn: string;
  /** 0 = no goal. */
  supportGoal: number;
  letterNamesSupporters: boolean;
  letterCountsCitizens: boolean;
  supporterListAttached: boolean;
  signingRecordAttached: boolean;
};

/** Off, as every appeal starts. */
export const defaultPublicSettings: PublicSettings = {
  publicPage: false,
  publicFrom: 'signing',
  supportClosesOn: '',
  supportGoal: 0,
  letterNamesSupporters: false,
  letterCountsCitizens: false,
  supporterListAttached: false,
  signingRecordAttached: false,
};

const MAX_SUPPORT_GOAL = 100_000_000;

/** A whole number ≥ 0 or empty (no goal); anything else is a German message at the field. */
function readGoal(form: ReturnType<typeof readForm>, name: string): number {
  const value = form.line(name, { max: 20 }).replace(/[.\s]/g, '');
  if (value === '') return 0;
  if (!/^\d+$/.test(value) || Number(value) > MAX_SUPPORT_GOAL) {
    form.fail(name, 'appeal.invalidSupportGoal');
    return 0;
  }
  return Number(value);
}

export function readAppealForm(body: unknown): FormResult<AppealInput> {
  const form = readForm(body);
  const input: AppealInput = {
    kind: form.choice('kind', appealKinds),
    coalitionName: form.line('coalitionName', { required: true, max: 200 }),
    title: form.line('title', { required: true, max: 300 }),
    subtitle: form.lines('subtitle', { max: 300 }).join('\n'),
    place: form.line('place', { max: 100 }),
    senderAddress: form.lines('senderAddress', { max: 120 }).slice(0, 4).join('\n'),
    letterDate: form.date('letterDate'),
    reference: form.line('reference', { max: 100 }),
    salutationOverride: form.line('salutationOverride', { max: 200 }),
    body: form.text('body', { max: 100_000 }),
    closing: form.line('closing', { required: true, max: 200 }),
    contactName: form.line('contactName', { max: 120 }),
    contactFunction: form.line('contactFunction', { max: 120 }),
    contactEmail: form.email('contactEmail'),
    contactPhone: form.line('contactPhone', { max: 60 }),
    ccLines: form.lines('ccLines', { max: 200 }).join('\n'),
    attachmentLines: form.lines('attachmentLines', { max: 200 }).join('\n'),
    listFirstSignatories: form.checkbox('listFirstSignatories'),
    letterNamesRecipients: form.checkbox('letterNamesRecipients'),
    publicPage: form.checkbox('publicPage'),
    publicFrom: form.choice('publicFrom', publicFromOptions, 'signing'),
    supportClosesOn: form.date('supportClosesOn'),
    supportGoal: readGoal(form, 'supportGoal'),
    letterNamesSupporters: form.checkbox('letterNamesSupporters'),
    letterCountsCitizens: form.checkbox('letterCountsCitizens'),
    supporterListAttached: form.checkbox('supporterListAttached'),
    signingRecordAttached: form.checkbox('signingRecordAttached'),
  };
  // A word of thousands of characters cannot be set as a letter: refused at the field, the text kept.
  const overlong = findOverlongWord(input.body);
  if (overlong) {
    form.fail('body', 'letterText.wordTooLong', { length: overlong.length.toLocaleString('de-DE'), start: overlong.start, max: MAX_WORD_LENGTH, maxUrl: MAX_URL_LENGTH.toLocaleString('de-DE') });
  }
  if (input.contactPhone !== '' && !/^[+0-9 ()/\-–.]{3,}$/.test(input.contactPhone)) {
    form.fail('contactPhone', 'appeal.invalidPhone');
  }
  return form.result(input);
}

export function listAppeals({ db, organiserId }: { db: Db; organiserId: number }) {
  return appealsRepository(db).listForOrganiser(organiserId);
}

/** The appeal and the organiser's role on it; undefined when the organiser has no role (→ 404). */
export function findAppealForOrganiser({ db, slug, organiserId }: { db: Db; slug: string; organiserId: number }) {
  return appealsRepository(db).findWithRole(slug, organiserId);
}

export function appealExists({ db, slug }: { db: Db; slug: string }): boolean {
  return appealsRepository(db).slugExists(slug);
}

function uniqueSlug(db: Db, title: string): string {
  const repository = appealsRepository(db);
  const base = appealSlug(title);
  let slug = base;
  for (let n = 2; repository.slugExists(slug); n += 1) slug = `${base}-${n}`;
  return slug;
}

/** Creates a draft appeal with the creating organiser as its owner. */
export function createAppeal({
  db,
  clock,
  organiserId,
  input,
  slug,
}: {
  db: Db;
  clock: Clock;
  organiserId: number;
  input: AppealInput;
  /** A fixed slug (demo data); otherwise one is made from the title. */
  slug?: string;
}): Appeal {
  return db.transaction((tx) => {
    const repository = appealsRepository(tx);
    const now = clock();
    const appeal = repository.insert({
      ...input,
      slug: slug ?? uniqueSlug(tx, input.title),
      state: 'draft',
      createdBy: organiserId,
      createdAt: now,
      updatedAt: now,
    });
    repository.insertMembership({ appealId: appeal.id, organiserId, role: 'owner', createdAt: now });
    return appeal;
  });
}

/**
 * What follows a saved change of the text, inside its transaction: during signing a changed
 * text becomes a new version that signatories confirm again. Signing sits above appeals, so
 * the composition root passes this in (server/appeals-wiring.ts).
 */
export type TextChangedHook = (options: { db: Db; appeal: Appeal; actor: string }) => void;

/** What saving a changed text during signing would do (asked before saving; signing/ answers it). */
export type TextChangeImpact = { currentVersion: number; nextVersion: number; organisations: string[]; changes: { text: string; change: 'added' | 'removed' | 'same' }[] };
export type TextChangeImpactHook = (options: { appeal: Appeal; input: AppealInput }) => TextChangeImpact | undefined;

export function updateAppeal({
  db,
  clock,
  appeal,
  input,
  actor,
  onTextChanged,
}: {
  db: Db;
  clock: Clock;
  appeal: Appeal;
  input: AppealInput;
  actor: string;
  onTextChanged: TextChangedHook;
}): Appeal {
  if (!mayEditText(appeal)) throw conflict('appeal.notEditable');
  return db.transaction((tx) => {
    const updated = appealsRepository(tx).update(appeal.id, { ...input, updatedAt: clock() });
    onTextChanged({ db: tx, appeal: updated, actor });
    return updated;
  });
}

export function deleteAppeal({ db, appeal }: { db: Db; appeal: Appeal }): void {
  if (!mayDelete(appeal)) throw conflict('appeal.deleteOnlyDraft');
  appealsRepository(db).delete(appeal.id);
}

export function listMembers({ db, appeal }: { db: Db; appeal: Appeal }) {
  return appealsRepository(db).listMembers(appeal.id);
}

export type MemberInput = { email: string; role: Role };

export function readMemberForm(body: unknown): FormResult<MemberInput> {
  const form = readForm(body);
  const email = form.email('email', { required: true });
  const role = form.choice('role', roles, 'editor');
  return form.result({ email, role });
}

export type AddMemberResult = { ok: true; name: string } | { ok: false; reason: 'no_account' | 'already_member' };

/**
 * Gives an existing organiser account a role on the appeal and queues the notification
 * mail "Sie wurden zu … hinzugefügt" in the same transaction (the worker sends it).
 */
export function addMember({
  db,
  clock,
  appeal,
  input,
  addedBy,
}: {
  db: Db;
  clock: Clock;
  appeal: Appeal;
  input: MemberInput;
  /** Name of the organiser who adds the person (named in the mail). */
  addedBy: string;
}): AddMemberResult {
  const organiser = findOrganiserByEmail({ db, email: input.email });
  if (!organiser) return { ok: false, reason: 'no_account' };
  return db.transaction((tx) => {
    const repository = appealsRepository(tx);
    if (repository.findMembership(appeal.id, organiser.id)) return { ok: false, reason: 'already_member' } as const;
    repository.insertMembership({ appealId: appeal.id, organiserId: organiser.id, role: input.role, createdAt: clock() });
    const payload: MemberAddedPayload = { appealId: appeal.id, organiserId: organiser.id, addedBy };
    enqueueMail({ db: tx, clock, mail: { kind: 'member-added', payload, to: organiser.email, toName: organiser.name, ref: `appeal:${appeal.id}`, appealId: appeal.id, organiserId: organiser.id } });
    return { ok: true, name: organiser.name } as const;
  });
}

/** Changes a member's role; the last owner cannot give up ownership. */
export function changeMemberRole({ db, appeal, organiserId, role }: { db: Db; appeal: Appeal; organiserId: number; role: Role }) {
  db.transaction((tx) => {
    const repository = appealsRepository(tx);
    const membership = repository.findMembership(appeal.id, organiserId);
    if (!membership) return;
    if (membership.role === 'owner' && role !== 'owner' && repository.countOwners(appeal.id) <= 1) {
      throw conflict('members.lastOwner');
    }
    repository.updateMembershipRole(appeal.id, organiserId, role);
  });
}

export function removeMember({ db, appeal, organiserId }: { db: Db; appeal: Appeal; organiserId: number }) {
  db.transaction((tx) => {
    const repository = appealsRepository(tx);
    const membership = repository.findMembership(appeal.id, organiserId);
    if (!membership) return;
    if (membership.role === 'owner' && repository.countOwners(appeal.id) <= 1) throw conflict('members.lastOwner');
    repository.deleteMembership(appeal.id, organiserId);
  });
}
