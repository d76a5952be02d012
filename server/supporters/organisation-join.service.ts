// Supporter organisations ask to join an appeal on its public side (no account): the form,
// the row in state 'unconfirmed' with its two links, and the mails that follow.
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { isPublicPageVisible } from '../appeals/appeal-lifecycle.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { hasRole } from '../appeals/appeal-roles.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import { notFound } from '../shared/app-error.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDate } from '../shared/dates.ts';
import type { FileStore } from '../shared/file-store.ts';
import { readForm } from '../shared/form.ts';
import type { FieldErrors, FormResult } from '../shared/form.ts';
import { checkFormStamp, issueFormStamp } from '../shared/form-timing.ts';
import { hashToken, newToken, sealToken } from '../shared/tokens.ts';
import type { UploadedFile } from '../shared/uploaded-file.ts';
import { reencodeLogo } from '../signatories/logos.ts';
import { supportersRepository } from './supporters.repository.ts';
import { emailKeyOf } from './supporters.table.ts';

/** How long the confirmation link of a join request works. */
export const CONFIRM_LINK_DAYS = 7;
/** Nobody fills in this form in less time; a bot does. */
export const MIN_FILL_MS = 3000;
const STAMP_PURPOSE = 'organisation-join';
/** The hidden field that people never see and bots fill in. */
export const HONEYPOT_FIELD = 'homepage';

export type OrganisationJoinInput = {
  organisationName: string;
  shortName: string;
  website: string;
  address: string;
  firstName: string;
  lastName: string;
  representativeFunction: string;
  email: string;
  showName: boolean;
  consentLogo: boolean;
  keepInformed: boolean;
};

/** SHA-256 of the trimmed, lower-cased address: one request per address and appeal. */

export function readOrganisationJoinForm(body: unknown): FormResult<OrganisationJoinInput> {
  const form = readForm(body);
  const value = {
    organisationName: form.line('organisationName', { required: true, max: 200 }),
    shortName: form.line('shortName', { max: 30 }),
    website: form.url('website'),
    address: form.lines('address', { max: 120 }).join('\n'),
    firstName: form.line('firstName', { required: true, max: 100 }),
    lastName: form.line('lastName', { required: true, max: 100 }),
    representativeFunction: form.line('representativeFunction', { max: 120 }),
    email: form.email('email', { required: true }),
    showName: form.checkbox('showName'),
    consentLogo: form.checkbox('consentLogo'),
    keepInformed: form.checkbox('keepInformed'),
  };
  if (value.address.length > 600) form.fail('address', 'form.tooLong');
  if (!form.checkbox('authorityDeclared')) form.fail('authorityDeclared', 'signing.authorisedRequired');
  return form.result(value);
}

export type JoinPage = { appeal: Appeal; closed: boolean };

/** The appeal behind /a/<slug>/organisation: 404 unless its public page is visible; closed after its closing date. */
export function loadJoinPage({ db, clock, slug }: { db: Db; clock: Clock; slug: string }): JoinPage {
  const appeal = appealsRepository(db).findBySlug(slug);
  if (!appeal || !isPublicPageVisible(appeal)) throw notFound();
  return { appeal, closed: appeal.supportClosesOn !== '' && isoDate(clock()) > appeal.supportClosesOn };
}

export const joinFormStamp = ({ clock, config }: { clock: Clock; config: Config }) =>
  issueFormStamp({ secret: config.sessionSecret, now: clock(), purpose: STAMP_PURPOSE });

/** A problem with the timing of the form (sent too fast, or a stamp that is missing, forged or old), at the submit button. */
export function checkJoinTiming({ clock, config, body }: { clock: Clock; config: Config; body: unknown }): FieldErrors | undefined {
  const stamp = (body as Record<string, unknown> | undefined)?.formStamp;
  const check = checkFormStamp({ secret: config.sessionSecret, stamp: typeof stamp === 'string' ? stamp : undefined, now: clock(), minMs: MIN_FILL_MS, purpose: STAMP_PURPOSE });
  if (check.ok) return undefined;
  return { formStamp: check.reason === 'expired' ? 'orgJoin.expired' : 'orgJoin.tooFast' };
}

/** A bot filled in the field people do not see. */
export function filledHoneypot(body: unknown): boolean {
  const value = (body as Record<string, unknown> | undefined)?.[HONEYPOT_FIELD];
  return typeof value === 'string' && value.trim() !== '';
}

export type ConfirmMailPayload = { supporterId: number; sealedConfirm: string; sealedWithdraw: string };

/**
 * Stores the request (state 'unconfirmed') with its confirm link (valid CONFIRM_LINK_DAYS) and
 * withdraw link, and queues the mail with both. The same address a second time for the same
 * appeal writes nothing and sends nothing, and answers the same (nothing is revealed).
 */
export async function requestToJoin({
  db,
  clock,
  config,
  fileStore,
  appeal,
  input,
  logo,
}: {
  db: Db;
  clock: Clock;
  config: Config;
  fileStore: FileStore;
  appeal: Appeal;
  input: OrganisationJoinInput;
  logo: UploadedFile | undefined;
}): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  let logoFile: string | null = null;
  if (logo) {
    const encoded = await reencodeLogo(logo);
    if (!encoded.ok) return { ok: false, errors: { logo: encoded.error } };
    logoFile = fileStore.write('logos', encoded.png, 'png');
  }
  const now = clock();
  const confirmToken = newToken();
  const withdrawToken = newToken();
  const inserted = db.transaction((tx) => {
    const row = supportersRepository(tx).insertOrganisation({
      appealId: appeal.id,
      ...input,
      emailKey: emailKeyOf(input.email),
      logoFile,
      consentLogo: input.consentLogo && logoFile !== null,
      authorityDeclared: true,
      confirmTokenHash: hashToken(confirmToken),
      confirmExpiresAt: new Date(now.getTime() + CONFIRM_LINK_DAYS * 24 * 60 * 60 * 1000),
      withdrawTokenHash: hashToken(withdrawToken),
      createdAt: now,
    });
    if (!row) return false;
    const payload: ConfirmMailPayload = {
      supporterId: row.id,
      sealedConfirm: sealToken(confirmToken, config.sessionSecret),
      sealedWithdraw: sealToken(withdrawToken, config.sessionSecret),
    };
    enqueueMail({
      db: tx,
      clock,
      mail: { kind: 'organisation-confirm', payload, to: input.email, toName: `${input.firstName} ${input.lastName}`, ref: `supporter:${row.id}`, appealId: appeal.id },
    });
    return true;
  });
  if (!inserted && logoFile) fileStore.remove('logos', logoFile);
  return { ok: true };
}

export type JoinRequestMailPayload = { supporterId: number; organiserId: number };

/**
 * An organisation confirmed its address and now awaits approval: every owner and editor of
 * the appeal gets a note with a link to the supporters page. Called by the confirm route
 * (/c/<token>) right after it set the state to 'awaiting_approval'; returns how many mails were queued.
 */
export function notifyOrganisersOfJoinRequest({ db, clock, supporterId }: { db: Db; clock: Clock; config?: Config; supporterId: number }): number {
  const found = supportersRepository(db).findById(supporterId);
  if (!found || found.supporter.kind !== 'organisation' || found.supporter.state !== 'awaiting_approval') return 0;
  const deciders = appealsRepository(db)
    .listMembers(found.appeal.id)
    .filter((member) => hasRole(member.role, 'editor'));
  for (const member of deciders) {
    const payload: JoinRequestMailPayload = { supporterId, organiserId: member.organiserId };
    enqueueMail({
      db,
      clock,
      mail: { kind: 'organisation-join-request', payload, to: member.email, toName: member.name, ref: `supporter:${supporterId}`, appealId: found.appeal.id, organiserId: member.organiserId },
    });
  }
  return deciders.length;
}
