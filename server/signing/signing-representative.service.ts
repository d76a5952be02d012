// The representative's side of co-signing, behind a personal link (no account): checking the
// link, viewing, signing, declining and withdrawing.
import type { Db } from '../db/client.ts';
import { isOpenForSigning } from '../appeals/appeal-lifecycle.ts';
import { notifyOwnersOfAnswer } from './signing-notifications.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { readForm } from '../shared/form.ts';
import type { FieldErrors, FormResult } from '../shared/form.ts';
import { hashToken } from '../shared/tokens.ts';
import type { UploadedFile } from '../shared/uploaded-file.ts';
import { reencodeSignature } from '../signatories/logos.ts';
import { signatureKinds } from '../signatories/signatories.table.ts';
import type { SignatureKind } from '../signatories/signatories.table.ts';
import { signingRepository } from './signing.repository.ts';
import type { LinkContext } from './signing.repository.ts';
import { currentVersion, issueLink, signatoryActor } from './signing.service.ts';
import type { SigningDeps } from './signing.service.ts';
import type { AppealVersion, SigningLinkPurpose } from './signing.table.ts';
import { signatureCountsFor } from './versions.ts';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type LinkProblem = 'unknown' | 'expired' | 'revoked' | 'closed';
export type LinkCheck = { ok: true; context: LinkContext; version: AppealVersion } | { ok: false; problem: LinkProblem; context?: LinkContext };

/**
 * Resolves a representative's personal link (the token of /s/<token> or /w/<token>) to its
 * signatory, organisation and appeal, and says whether it may be used now: known, of this
 * purpose, not revoked, the appeal open for signing, not expired. Pages behind a personal
 * link (here and in letters/) start with it.
 */
export function checkLink({ db, clock, token, purpose }: { db: Db; clock: Clock; token: string; purpose: SigningLinkPurpose }): LinkCheck {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, problem: 'unknown' };
  const context = signingRepository(db).findLink(hashToken(token));
  if (!context || context.link.purpose !== purpose) return { ok: false, problem: 'unknown' };
  if (context.link.revokedAt) return { ok: false, problem: 'revoked', context };
  if (!isOpenForSigning(context.appeal)) return { ok: false, problem: 'closed', context };
  if (context.link.expiresAt && context.link.expiresAt.getTime() <= clock().getTime()) return { ok: false, problem: 'expired', context };
  return { ok: true, context, version: currentVersion({ db, appeal: context.appeal }) };
}

/** What the signing page shows of a checked link: the text version signed before, if older. */
export function loadSigningPage({ db, check }: { db: Db; check: Extract<LinkCheck, { ok: true }> }) {
  const { signedVersionId } = check.context.signatory;
  return { ...check, signedVersion: signedVersionId ? signingRepository(db).version(signedVersionId) : undefined };
}
export type SigningPageData = ReturnType<typeof loadSigningPage>;

/** The first visit of an invited representative is recorded as "angesehen". */
export function recordView({ db, clock, context, ip }: { db: Db; clock: Clock; context: LinkContext; ip: string }) {
  if (context.signatory.status !== 'invited') return;
  db.transaction((tx) => {
    signingRepository(tx).updateSignatory(context.signatory.id, { status: 'viewed', lastActivityAt: clock() });
    recordAudit({ db: tx, clock, appealId: context.appeal.id, actor: signatoryActor(context), action: 'viewed', ip });
  });
}

export type SignatureInput = {
  representativeName: string;
  representativeFunction: string;
  kind: SignatureKind;
  consentPublic: boolean;
  consentLogo: boolean;
};

/** What the form offers besides the signature kinds: keep the drawn or uploaded signature given for an earlier version. */
export const PREVIOUS_SIGNATURE = 'previous';

export function readSignatureForm(body: unknown): FormResult<SignatureInput> & { drawn: string; reusePrevious: boolean } {
  const form = readForm(body);

  const representativeName = form.line('representativeName', { required: true, max: 120 });
  const representativeFunction = form.line('representativeFunction', { max: 120 });
  if (!form.checkbox('authorised')) form.fail('authorised', 'signing.authorisedRequired');
  const chosen = form.choice('signatureKind', [...signatureKinds, PREVIOUS_SIGNATURE], 'typed');
  const reusePrevious = chosen === PREVIOUS_SIGNATURE;
  // The kept signature's own kind is filled in from the signatory (storeSignatureImage).
  const kind = reusePrevious ? 'image' : chosen;
  const consentPublic = form.checkbox('consentPublic');
  const consentLogo = form.checkbox('consentLogo');
  const drawn = typeof (body as Record<string, unknown>)?.drawnSignature === 'string' ? ((body as Record<string, string>).drawnSignature ?? '') : '';
  const result = form.result({ representativeName, representativeFunction, kind, consentPublic, consentLogo });
  // The drawing is not echoed back into the form (it is large); it must be drawn again.
  return { ...result, drawn, reusePrevious };
}

/** The reason a representative gives for declining (optional). */
export function readDeclineForm(body: unknown): FormResult<{ reason: string }> {
  const form = readForm(body);
  const reason = form.text('reason', { max: 2000 });
  return form.result({ reason });
}

/**
 * Re-encodes and stores a drawn or uploaded signature (as signatories.service stores a logo);
 * returns the stored name, none for a typed signature, or the problem at the field.
 */
export async function storeSignatureImage({
  fileStore,
  kind,
  drawn,
  upload,
  previous,
}: {
  fileStore: FileStore;
  kind: SignatureKind;
  drawn: string;
  upload: UploadedFile | undefined;
  /** Re-confirming with the signature image given before (its kind and stored file), when chosen. */
  previous?: { kind: SignatureKind | null; file: string | null } | undefined;
}): Promise<{ ok: true; file: string | null; kind: SignatureKind } | { ok: false; errors: FieldErrors }> {
  if (previous) {
    if (!previous.file || !previous.kind || previous.kind === 'typed') return { ok: false, errors: { signatureKind: 'signing.noPreviousSignature' } };
    return { ok: true, file: previous.file, kind: previous.kind };
  }
  if (kind === 'typed') return { ok: true, file: null, kind };
  const image = await reencodeSignature({ kind, drawn, upload });
  if (!image.ok) return image;
  return { ok: true, file: fileStore.write('signatures', image.png, 'png'), kind };
}

type Answer = { context: Omit<LinkContext, 'link'>; version: AppealVersion; ip: string };

/**
 * Records the signature for the current version. A second click (or a second tab) on an
 * already signed version changes nothing; the stored image of the second attempt is dropped.
 */
export function sign({
  db,
  clock,
  config,
  fileStore,
  token,
  input,
  signatureFile,
  ip,
}: SigningDeps & { fileStore: FileStore; token: string; input: SignatureInput; signatureFile: string | null; ip: string }): LinkCheck {
  let outcome: { changed: boolean; previousFile: string | null } = { changed: false, previousFile: null };
  const check = db.transaction((tx) => {
    const checked = checkLink({ db: tx, clock, token, purpose: 'sign' });
    if (checked.ok) outcome = recordSignature({ db: tx, clock, config, context: checked.context, version: checked.version, input, signatureFile, ip });
    if (checked.ok && outcome.changed) notifyOwnersOfAnswer({ db: tx, clock, appealId: checked.context.appeal.id, signatoryId: checked.context.signatory.id, action: 'signed' });
    return checked;
  });
  // A kept earlier image is still the signatory's: only a new, unused one is dropped.
  if (!outcome.changed && signatureFile && signatureFile !== outcome.previousFile) fileStore.remove('signatures', signatureFile);
  if (outcome.changed && outcome.previousFile && outcome.previousFile !== signatureFile) fileStore.remove('signatures', outcome.previousFile);
  return check;
}

/** The signature itself, for a signatory whose link was checked (or the demo seed). */
export function recordSignature({
  db,
  clock,
  config,
  context,
  version,
  input,
  signatureFile,
  ip,
}: SigningDeps & Answer & { input: SignatureInput; signatureFile: string | null }): { changed: boolean; previousFile: string | null } {
  if (signatureCountsFor(context.signatory, version)) return { changed: false, previousFile: context.signatory.signatureFile };
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
  recordAudit({ db, clock, appealId: context.appeal.id, actor: signatoryActor(entry), action: 'signed', detail: signatureKindLabel(input.kind), versionHash: version.hash, ip });
  issueLink({ db, clock, config, entry, purpose: 'withdraw', mailKind: 'signing-confirmation' });
  return { changed: true, previousFile: context.signatory.signatureFile };
}

const signatureKindLabel = (kind: SignatureKind) => ({ typed: 'getippt (gez.)', drawn: 'gezeichnet', image: 'als Bild hochgeladen' })[kind];

export function decline({ db, clock, token, reason, ip }: { db: Db; clock: Clock; token: string; reason: string; ip: string }): LinkCheck {
  return db.transaction((tx) => {
    const check = checkLink({ db: tx, clock, token, purpose: 'sign' });
    if (check.ok && recordDecline({ db: tx, clock, context: check.context, version: check.version, reason, ip })) {
      notifyOwnersOfAnswer({ db: tx, clock, appealId: check.context.appeal.id, signatoryId: check.context.signatory.id, action: 'declined' });
    }
    return check;
  });
}

/** The decline itself, for a signatory whose link was checked (or the demo seed). */
export function recordDecline({ db, clock, context, version, reason, ip }: { db: Db; clock: Clock; reason: string } & Answer): boolean {
  if (context.signatory.status === 'declined') return false;
  signingRepository(db).updateSignatory(context.signatory.id, {
    status: 'declined',
    declineReason: reason,
    signedVersionId: null,
    signedAt: null,
    lastActivityAt: clock(),
  });
  recordAudit({ db, clock, appealId: context.appeal.id, actor: signatoryActor(context), action: 'declined', detail: reason, versionHash: version.hash, ip });
  return true;
}

/** Withdraws a signature; possible until the appeal is final. */
export function withdraw({ db, clock, token, ip }: { db: Db; clock: Clock; token: string; ip: string }): LinkCheck {
  return db.transaction((tx) => {
    const check = checkLink({ db: tx, clock, token, purpose: 'withdraw' });
    if (!check.ok) return check;
    const { context, version } = check;
    if (context.signatory.status !== 'signed' && context.signatory.status !== 'needs_reconfirmation') return check;
    signingRepository(tx).updateSignatory(context.signatory.id, {
      status: 'withdrawn',
      signedVersionId: null,
      signedAt: null,
      lastActivityAt: clock(),
    });
    recordAudit({ db: tx, clock, appealId: context.appeal.id, actor: signatoryActor(context), action: 'withdrawn', versionHash: version.hash, ip });
    notifyOwnersOfAnswer({ db: tx, clock, appealId: context.appeal.id, signatoryId: context.signatory.id, action: 'withdrawn' });
    return check;
  });
}
