// Co-signing: opening an appeal for signing, the representatives' personal links, signing,
// declining and withdrawing, text versions, reminders, finalising and reopening.
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { AuditAction } from '../audit/audit.service.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { Clock } from '../shared/clock.ts';
import { conflict } from '../shared/app-error.ts';
import type { FileStore } from '../shared/file-store.ts';
import { hashToken, newToken, sealToken } from '../shared/tokens.ts';
import { signatoriesRepository } from '../signatories/signatories.repository.ts';
import type { SignatoryWithOrganisation } from '../signatories/signatories.repository.ts';
import type { Signatory, SignatureKind } from '../signatories/signatories.table.ts';
import { dispatchRepository } from '../dispatch/dispatch.repository.ts';
import { signingRepository } from './signing.repository.ts';
import type { LinkContext } from './signing.repository.ts';
import type { AppealVersion, SigningLinkPurpose } from './signing.table.ts';
import { freezeVersion } from './versions.ts';

export type SigningDeps = { db: Db; clock: Clock; config: Config };

const DAY = 24 * 60 * 60 * 1000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const signingMailKinds = ['signing-invitation', 'signing-reminder', 'signing-reconfirmation', 'signing-confirmation'] as const;
export type SigningMailKind = (typeof signingMailKinds)[number];
export type SigningMailPayload = { signatoryId: number; sealedToken: string };

/** Who did something, as the audit trail names them. */
export const organiserActor = (organiser: { name: string }) => `Organisator:in ${organiser.name}`;
const signatoryActor = (entry: { signatory: Signatory; organisation: { name: string } }) =>
  `${entry.organisation.name} (${entry.signatory.representativeName})`;
const SYSTEM = 'System';

/** Has this signatory answered the current text (signed it, declined or withdrawn)? */
export function hasAnswered(signatory: Signatory, currentVersionId: number | undefined): boolean {
  if (signatory.status === 'declined' || signatory.status === 'withdrawn') return true;
  return signatory.status === 'signed' && signatory.signedVersionId === currentVersionId;
}

function audit(db: Db, clock: Clock, appeal: Appeal, action: AuditAction, actor: string, detail = '', extra: { versionHash?: string; ip?: string } = {}) {
  recordAudit({ db, clock }, { appealId: appeal.id, actor, action, detail, ...extra });
}

/** A new personal link (old links of the same purpose stop working) and its mail. */
function issueLink(
  { db, clock, config }: SigningDeps,
  entry: SignatoryWithOrganisation,
  purpose: SigningLinkPurpose,
  mailKind: SigningMailKind,
): void {
  const repository = signingRepository(db);
  const now = clock();
  const token = newToken();
  repository.revokeLinks(entry.signatory.id, purpose, now);
  repository.insertLink({
    signatoryId: entry.signatory.id,
    purpose,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: purpose === 'sign' ? new Date(now.getTime() + config.signingLinkDays * DAY) : null,
  });
  enqueueMail({
    db,
    clock,
    mail: {
      kind: mailKind,
      payload: { signatoryId: entry.signatory.id, sealedToken: sealToken(token, config.sessionSecret) } satisfies SigningMailPayload,
      to: entry.signatory.representativeEmail,
      toName: entry.signatory.representativeName,
      ref: `signatory:${entry.signatory.id}`,
    },
  });
}

function firstSignatories(db: Db, appeal: Appeal) {
  return signatoriesRepository(db).list(appeal.id, 'first');
}

export type OpenResult = { ok: true; invited: number } | { ok: false; error: MessageKey };

/** Freezes the text as a version and invites every first signatory. */
export function openForSigning(deps: SigningDeps, { appeal, actor, deadline }: { appeal: Appeal; actor: string; deadline: string }): OpenResult {
  const { db, clock } = deps;
  if (appeal.state !== 'draft') return { ok: false, error: 'signing.open.notDraft' };
  if (appeal.body.trim() === '') return { ok: false, error: 'signing.open.emptyBody' };
  const entries = firstSignatories(db, appeal);
  if (entries.length === 0) return { ok: false, error: 'signing.open.noSignatories' };
  return db.transaction((tx) => {
    const now = clock();
    const repository = signingRepository(tx);
    const opened = { ...appeal, signingDeadline: deadline };
    const { version } = freezeVersion({ db: tx, appeal: opened, now });
    repository.updateAppeal(appeal.id, { state: 'signing', signingDeadline: deadline, updatedAt: now });
    audit(tx, clock, appeal, 'opened_for_signing', actor, `Textfassung ${version.number}`, { versionHash: version.hash });
    for (const entry of entries) inviteWithin({ ...deps, db: tx }, appeal, entry, version, 'signing-invitation');
    return { ok: true as const, invited: entries.length };
  });
}

function inviteWithin(deps: SigningDeps, appeal: Appeal, entry: SignatoryWithOrganisation, version: AppealVersion, kind: SigningMailKind) {
  const now = deps.clock();
  const reconfirm = kind === 'signing-reconfirmation';
  // An invitation never changes an answer already given; only re-confirmation does.
  const status = reconfirm ? 'needs_reconfirmation' : entry.signatory.status === 'not_invited' ? 'invited' : entry.signatory.status;
  signingRepository(deps.db).updateSignatory(entry.signatory.id, { status, invitedAt: now, lastActivityAt: now });
  issueLink(deps, entry, 'sign', kind);
  const action: AuditAction = reconfirm ? 'reconfirmation_requested' : kind === 'signing-reminder' ? 'reminded' : 'invited';
  audit(deps.db, deps.clock, appeal, action, SYSTEM, `${entry.organisation.name}: ${entry.signatory.representativeEmail}`, { versionHash: version.hash });
}

function currentVersion(db: Db, appeal: Appeal): AppealVersion {
  const version = signingRepository(db).latestVersion(appeal.id);
  if (!version) throw new Error(`Appeal ${appeal.id} in state ${appeal.state} has no text version`);
  return version;
}

function findEntry(db: Db, appeal: Appeal, signatoryId: number): SignatoryWithOrganisation {
  const entry = signatoriesRepository(db).find(appeal.id, signatoryId);
  if (!entry || entry.signatory.tier !== 'first') throw conflict('signing.unknownSignatory');
  return entry;
}

/** "Neuen Link senden" / "Einladen": a new link by mail; the old one stops working. */
export function resendInvitation(deps: SigningDeps, { appeal, signatoryId, actor }: { appeal: Appeal; signatoryId: number; actor: string }) {
  if (appeal.state !== 'signing') throw conflict('signing.notOpen');
  deps.db.transaction((tx) => {
    const entry = findEntry(tx, appeal, signatoryId);
    if (entry.signatory.status === 'signed' && hasAnswered(entry.signatory, currentVersion(tx, appeal).id)) throw conflict('signing.alreadySigned');
    const kind = entry.signatory.status === 'not_invited' ? 'signing-invitation' : 'signing-reminder';
    inviteWithin({ ...deps, db: tx }, appeal, entry, currentVersion(tx, appeal), kind);
    audit(tx, deps.clock, appeal, 'invited', actor, `Neuer Link an ${entry.organisation.name} gesendet`);
  });
}

/** "Erinnern": the same as a new link, worded as a reminder. */
export function remindNow(deps: SigningDeps, { appeal, signatoryId, actor }: { appeal: Appeal; signatoryId: number; actor: string }) {
  if (appeal.state !== 'signing') throw conflict('signing.notOpen');
  deps.db.transaction((tx) => {
    const entry = findEntry(tx, appeal, signatoryId);
    if (hasAnswered(entry.signatory, currentVersion(tx, appeal).id)) throw conflict('signing.alreadyAnswered');
    inviteWithin({ ...deps, db: tx }, appeal, entry, currentVersion(tx, appeal), 'signing-reminder');
    audit(tx, deps.clock, appeal, 'reminded', actor, entry.organisation.name);
  });
}

/** "Link sperren": the signatory's links stop working until a new one is sent. */
export function revokeLinks(deps: SigningDeps, { appeal, signatoryId, actor }: { appeal: Appeal; signatoryId: number; actor: string }) {
  deps.db.transaction((tx) => {
    const entry = findEntry(tx, appeal, signatoryId);
    const repository = signingRepository(tx);
    repository.revokeLinks(entry.signatory.id, 'sign', deps.clock());
    audit(tx, deps.clock, appeal, 'link_revoked', actor, entry.organisation.name);
  });
}

/**
 * Called after the text of an appeal in signing was saved: a changed text becomes a new
 * version, and everyone who signed an older one is asked to confirm again.
 */
export function recordTextChange(deps: SigningDeps, { appeal, actor }: { appeal: Appeal; actor: string }) {
  if (appeal.state !== 'signing') return;
  const { db, clock } = deps;
  const { version, created } = freezeVersion({ db, appeal, now: clock() });
  if (!created) return;
  audit(db, clock, appeal, 'text_versioned', actor, `Textfassung ${version.number}`, { versionHash: version.hash });
  for (const entry of firstSignatories(db, appeal)) {
    if (entry.signatory.status === 'signed' || entry.signatory.status === 'needs_reconfirmation') {
      inviteWithin(deps, appeal, entry, version, 'signing-reconfirmation');
    }
  }
}

export type LinkProblem = 'unknown' | 'expired' | 'revoked' | 'closed';
export type LinkCheck = { ok: true; context: LinkContext; version: AppealVersion } | { ok: false; problem: LinkProblem; context?: LinkContext };

/** Finds the personal link of a token and says whether it may be used now. */
export function checkLink({ db, clock }: { db: Db; clock: Clock }, token: string, purpose: SigningLinkPurpose): LinkCheck {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, problem: 'unknown' };
  const context = signingRepository(db).findLink(hashToken(token));
  if (!context || context.link.purpose !== purpose) return { ok: false, problem: 'unknown' };
  if (context.link.revokedAt) return { ok: false, problem: 'revoked', context };
  if (context.appeal.state !== 'signing') return { ok: false, problem: 'closed', context };
  if (context.link.expiresAt && context.link.expiresAt.getTime() <= clock().getTime()) return { ok: false, problem: 'expired', context };
  return { ok: true, context, version: currentVersion(db, context.appeal) };
}

/** The first visit of an invited representative is recorded as "angesehen". */
export function recordView({ db, clock }: { db: Db; clock: Clock }, context: LinkContext, ip: string) {
  if (context.signatory.status !== 'invited') return;
  db.transaction((tx) => {
    signingRepository(tx).updateSignatory(context.signatory.id, { status: 'viewed', lastActivityAt: clock() });
    audit(tx, clock, context.appeal, 'viewed', signatoryActor(context), '', { ip });
  });
}

export type SignatureInput = {
  representativeName: string;
  representativeFunction: string;
  kind: SignatureKind;
  consentPublic: boolean;
  consentLogo: boolean;
};

/**
 * Records the signature for the current version. A second click (or a second tab) on an
 * already signed version changes nothing; the stored image of the second attempt is dropped.
 */
export function sign(
  deps: SigningDeps & { fileStore: FileStore },
  { token, input, signatureFile, ip }: { token: string; input: SignatureInput; signatureFile: string | null; ip: string },
): LinkCheck {
  const { db, clock, fileStore } = deps;
  let outcome: { changed: boolean; previousFile: string | null } = { changed: false, previousFile: null };
  const check = db.transaction((tx) => {
    const checked = checkLink({ db: tx, clock }, token, 'sign');
    if (checked.ok) outcome = recordSignature({ ...deps, db: tx }, checked.context, checked.version, { input, signatureFile, ip });
    return checked;
  });
  if (!outcome.changed && signatureFile) fileStore.remove('signatures', signatureFile);
  if (outcome.changed && outcome.previousFile && outcome.previousFile !== signatureFile) fileStore.remove('signatures', outcome.previousFile);
  return check;
}

/** The signature itself, for a signatory whose link was checked (or the demo seed). */
export function recordSignature(
  deps: SigningDeps,
  context: Omit<LinkContext, 'link'>,
  version: AppealVersion,
  { input, signatureFile, ip }: { input: SignatureInput; signatureFile: string | null; ip: string },
): { changed: boolean; previousFile: string | null } {
  const { db, clock } = deps;
  if (context.signatory.status === 'signed' && context.signatory.signedVersionId === version.id) return { changed: false, previousFile: null };
  const now = clock();
  const signed = signingRepository(db).updateSignatory(context.signatory.id, {
    representativeName: input.representativeName,
    representativeFunction: input.representativeFunction,
    status: 'signed',
    signedVersionId: version.id,
    signedAt: now,
    signatureKind: input.kind,
    signatureFile,
    consentPublic: input.consentPublic,
    consentLogo: input.consentLogo,
    declineReason: '',
    lastActivityAt: now,
  });
  const entry = { signatory: signed, organisation: context.organisation };
  audit(db, clock, context.appeal, 'signed', signatoryActor(entry), signatureKindLabel(input.kind), { versionHash: version.hash, ip });
  issueLink(deps, entry, 'withdraw', 'signing-confirmation');
  return { changed: true, previousFile: context.signatory.signatureFile };
}

const signatureKindLabel = (kind: SignatureKind) => ({ typed: 'getippt (gez.)', drawn: 'gezeichnet', image: 'als Bild hochgeladen' })[kind];

export function decline({ db, clock, config }: SigningDeps, { token, reason, ip }: { token: string; reason: string; ip: string }): LinkCheck {
  return db.transaction((tx) => {
    const check = checkLink({ db: tx, clock }, token, 'sign');
    if (check.ok) recordDecline({ db: tx, clock, config }, check.context, check.version, { reason, ip });
    return check;
  });
}

/** The decline itself, for a signatory whose link was checked (or the demo seed). */
export function recordDecline({ db, clock }: SigningDeps, context: Omit<LinkContext, 'link'>, version: AppealVersion, { reason, ip }: { reason: string; ip: string }) {
  if (context.signatory.status === 'declined') return;
  signingRepository(db).updateSignatory(context.signatory.id, {
    status: 'declined',
    declineReason: reason,
    signedVersionId: null,
    signedAt: null,
    lastActivityAt: clock(),
  });
  audit(db, clock, context.appeal, 'declined', signatoryActor(context), reason, { versionHash: version.hash, ip });
}

/** Withdraws a signature; possible until the appeal is final. */
export function withdraw({ db, clock }: { db: Db; clock: Clock }, { token, ip }: { token: string; ip: string }): LinkCheck {
  return db.transaction((tx) => {
    const check = checkLink({ db: tx, clock }, token, 'withdraw');
    if (!check.ok) return check;
    const { context, version } = check;
    if (context.signatory.status !== 'signed' && context.signatory.status !== 'needs_reconfirmation') return check;
    signingRepository(tx).updateSignatory(context.signatory.id, {
      status: 'withdrawn',
      signedVersionId: null,
      signedAt: null,
      lastActivityAt: clock(),
    });
    audit(tx, clock, context.appeal, 'withdrawn', signatoryActor(context), '', { versionHash: version.hash, ip });
    return check;
  });
}

/** Those who have not answered the current text: the names the finalise page asks about. */
export function missingAnswers({ db, appeal }: { db: Db; appeal: Appeal }): SignatoryWithOrganisation[] {
  const version = signingRepository(db).latestVersion(appeal.id);
  return firstSignatories(db, appeal).filter((entry) => !hasAnswered(entry.signatory, version?.id));
}

export type FinaliseResult = { ok: true } | { ok: false; error: MessageKey; missing?: SignatoryWithOrganisation[] };

/** Locks text and signatories. Without answers from everyone only with `goAheadWithoutMissing`. */
export function finalise(deps: SigningDeps, { appeal, actor, goAheadWithoutMissing }: { appeal: Appeal; actor: string; goAheadWithoutMissing: boolean }): FinaliseResult {
  const { db, clock } = deps;
  return db.transaction((tx) => {
    if (appeal.state !== 'signing') return { ok: false as const, error: 'signing.finalise.notSigning' as const };
    const missing = missingAnswers({ db: tx, appeal });
    if (missing.length > 0 && !goAheadWithoutMissing) return { ok: false as const, error: 'signing.finalise.missingAnswers' as const, missing };
    const version = currentVersion(tx, appeal);
    const signed = firstSignatories(tx, appeal).filter((entry) => hasAnswered(entry.signatory, version.id) && entry.signatory.status === 'signed');
    if (signed.length === 0) return { ok: false as const, error: 'signing.finalise.nobodySigned' as const };
    signingRepository(tx).updateAppeal(appeal.id, { state: 'final', updatedAt: clock() });
    const detail = missing.length > 0 ? `ohne Antwort von: ${missing.map((entry) => entry.organisation.name).join(', ')}` : 'alle haben geantwortet';
    audit(tx, clock, appeal, 'finalised', actor, `Textfassung ${version.number}, ${signed.length} Unterschriften; ${detail}`, { versionHash: version.hash });
    return { ok: true as const };
  });
}

/** Back from final (not yet sent) to signing: everyone who signed confirms again. */
export function reopen(deps: SigningDeps, { appeal, actor }: { appeal: Appeal; actor: string }) {
  const { db, clock } = deps;
  if (appeal.state !== 'final') throw conflict('signing.reopen.notFinal');
  // Once "Jetzt versenden" was clicked, letters are going out in this version: no way back.
  if (dispatchRepository(db).findByAppeal(appeal.id)) throw conflict('signing.reopen.dispatched');
  db.transaction((tx) => {
    signingRepository(tx).updateAppeal(appeal.id, { state: 'signing', updatedAt: clock() });
    const reopened = { ...appeal, state: 'signing' as const };
    const version = currentVersion(tx, reopened);
    audit(tx, clock, appeal, 'reopened', actor, '', { versionHash: version.hash });
    for (const entry of firstSignatories(tx, appeal)) {
      if (entry.signatory.status === 'signed') inviteWithin({ ...deps, db: tx }, reopened, entry, version, 'signing-reconfirmation');
    }
  });
}

/**
 * Sends the automatic reminders that are due. Each reminder slot is claimed in the database
 * first, so a restart or a second process never sends one twice. Returns how many went out.
 */
export function sendDueReminders(deps: SigningDeps): number {
  const { db, clock, config } = deps;
  if (config.reminderMax === 0) return 0;
  let sent = 0;
  for (const appeal of signingRepository(db).appealsInSigning()) {
    const version = currentVersion(db, appeal);
    for (const entry of firstSignatories(db, appeal)) {
      const { signatory } = entry;
      if (!['invited', 'viewed', 'needs_reconfirmation'].includes(signatory.status) || !signatory.invitedAt) continue;
      const repository = signingRepository(db);
      const claimed = repository.remindersClaimed(signatory.id, version.id);
      if (claimed >= config.reminderMax) continue;
      if (clock().getTime() < signatory.invitedAt.getTime() + config.reminderAfterDays * DAY) continue;
      db.transaction((tx) => {
        if (!signingRepository(tx).claimReminder(signatory.id, version.id, claimed + 1, clock())) return;
        inviteWithin({ ...deps, db: tx }, appeal, entry, version, signatory.status === 'needs_reconfirmation' ? 'signing-reconfirmation' : 'signing-reminder');
        sent += 1;
      });
    }
  }
  return sent;
}
