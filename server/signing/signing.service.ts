// What the organiser's actions (signing-organiser.service.ts), the representative's actions
// (signing-representative.service.ts) and the reminders (signing-reminders.service.ts) share:
// the co-signing mails, who acted, personal links, invitations and the current text version.
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { AuditAction } from '../audit/audit.service.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import type { Clock } from '../shared/clock.ts';
import { conflict } from '../shared/app-error.ts';
import { hashToken, newToken, sealToken } from '../shared/tokens.ts';
import { signatoriesRepository } from '../signatories/signatories.repository.ts';
import type { SignatoryWithOrganisation } from '../signatories/signatories.repository.ts';
import type { Signatory } from '../signatories/signatories.table.ts';
import { signingRepository } from './signing.repository.ts';
import type { AppealVersion, SigningLinkPurpose } from './signing.table.ts';
import { signatureCountsFor } from './versions.ts';

/** What every co-signing service needs. */
export type SigningDeps = { db: Db; clock: Clock; config: Config };

export const DAY = 24 * 60 * 60 * 1000;

export const signingMailKinds = ['signing-invitation', 'signing-reminder', 'signing-reconfirmation', 'signing-confirmation'] as const;
export type SigningMailKind = (typeof signingMailKinds)[number];
export type SigningMailPayload = { signatoryId: number; sealedToken: string };

/** Who did something, as the audit trail names a representative. */
export const signatoryActor = (entry: { signatory: Signatory; organisation: { name: string } }) =>
  `${entry.organisation.name} (${entry.signatory.representativeName})`;
export const SYSTEM = 'System';

/** Has this signatory answered the current text (signed it, declined or withdrawn)? */
export function hasAnswered(signatory: Signatory, version: Pick<AppealVersion, 'id'> | undefined): boolean {
  return signatory.status === 'declined' || signatory.status === 'withdrawn' || signatureCountsFor(signatory, version);
}

/** A new personal link (old links of the same purpose stop working) and its mail. */
export function issueLink({
  db,
  clock,
  config,
  entry,
  purpose,
  mailKind,
}: SigningDeps & { entry: SignatoryWithOrganisation; purpose: SigningLinkPurpose; mailKind: SigningMailKind }): void {
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
      appealId: entry.signatory.appealId,
    },
  });
}

/** An invitation, reminder or request to confirm again: status, a new link and its mail. */
export function invite({
  db,
  clock,
  config,
  appeal,
  entry,
  version,
  kind,
}: SigningDeps & { appeal: Appeal; entry: SignatoryWithOrganisation; version: AppealVersion; kind: SigningMailKind }) {
  // A representative whose data was deleted (server/privacy) has no address: nobody to ask.
  if (!entry.signatory.representativeEmail) return;
  const now = clock();
  const reconfirm = kind === 'signing-reconfirmation';
  // An invitation never changes an answer already given; only re-confirmation does.
  const status = reconfirm ? 'needs_reconfirmation' : entry.signatory.status === 'not_invited' ? 'invited' : entry.signatory.status;
  signingRepository(db).updateSignatory(entry.signatory.id, { status, invitedAt: now, lastActivityAt: now });
  issueLink({ db, clock, config, entry, purpose: 'sign', mailKind: kind });
  const action: AuditAction = reconfirm ? 'reconfirmation_requested' : kind === 'signing-reminder' ? 'reminded' : 'invited';
  recordAudit({ db, clock, appealId: appeal.id, actor: SYSTEM, action, detail: `${entry.organisation.name}: ${entry.signatory.representativeEmail}`, versionHash: version.hash });
}

/** The frozen text version of an appeal that is (or was) open for signing. */
export function currentVersion({ db, appeal }: { db: Db; appeal: Appeal }): AppealVersion {
  const version = signingRepository(db).latestVersion(appeal.id);
  if (!version) throw new Error(`Appeal ${appeal.id} in state ${appeal.state} has no text version`);
  return version;
}

/** The first signatories: those asked to co-sign. */
export function firstSignatories({ db, appeal }: { db: Db; appeal: Appeal }) {
  return signatoriesRepository(db).list(appeal.id, 'first');
}

export function findFirstSignatory({ db, appeal, signatoryId }: { db: Db; appeal: Appeal; signatoryId: number }): SignatoryWithOrganisation {
  const entry = signatoriesRepository(db).find(appeal.id, signatoryId);
  if (!entry || entry.signatory.tier !== 'first') throw conflict('signing.unknownSignatory');
  return entry;
}
