// The organiser's side of co-signing: opening, following and nudging, a text change during
// signing, finalising and reopening. Every change of the appeal's state is a lifecycle event
// (appeals/appeal-lifecycle.ts) written by appealsRepository.applyEvent.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { hasSendingStarted, isOpenForSigning, mayFinalise, mayOpen, mayReopen } from '../appeals/appeal-lifecycle.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { MessageKey } from '../i18n/index.ts';
import { conflict } from '../shared/app-error.ts';
import { readForm } from '../shared/form.ts';
import type { FormResult } from '../shared/form.ts';
import type { SignatoryWithOrganisation } from '../signatories/signatories.repository.ts';
import { signingRepository } from './signing.repository.ts';
import { currentVersion, findFirstSignatory, firstSignatories, hasAnswered, invite } from './signing.service.ts';
import type { SigningDeps } from './signing.service.ts';
import { canonicalText, freezeVersion, signatureCountsFor, textChanges, textHash } from './versions.ts';
import type { TextChangeImpact } from '../appeals/appeals.service.ts';
import { clearSupporterSnapshot, freezeSupporterSnapshot } from '../supporters/supporter-snapshot.service.ts';

type OrganiserAction = SigningDeps & { appeal: Appeal; actor: string };

/** The opening form: an optional deadline shown to the representatives. */
export function readOpenForm(body: unknown): FormResult<{ deadline: string }> {
  const form = readForm(body);
  const deadline = form.date('deadline');
  return form.result({ deadline });
}

/** The finalise form: whether to go ahead without the answers still missing. */
export function readFinaliseForm(body: unknown): { goAheadWithoutMissing: boolean } {
  return { goAheadWithoutMissing: readForm(body).checkbox('goAheadWithoutMissing') };
}

export type OpenResult = { ok: true; invited: number } | { ok: false; error: MessageKey };

/** Freezes the text as a version and invites every first signatory. */
export function openForSigning({ db, clock, config, appeal, actor, deadline }: OrganiserAction & { deadline: string }): OpenResult {
  if (!mayOpen(appeal)) return { ok: false, error: 'signing.open.notDraft' };
  if (appeal.body.trim() === '') return { ok: false, error: 'signing.open.emptyBody' };
  const entries = firstSignatories({ db, appeal });
  if (entries.length === 0) return { ok: false, error: 'signing.open.noSignatories' };
  return db.transaction((tx) => {
    const now = clock();
    const opened = appealsRepository(tx).applyEvent(appeal.id, 'open', now, { signingDeadline: deadline });
    if (!opened) return { ok: false as const, error: 'signing.open.notDraft' as const };
    const { version } = freezeVersion({ db: tx, appeal: opened, now });
    recordAudit({ db: tx, clock, appealId: appeal.id, actor, action: 'opened_for_signing', detail: `Textfassung ${version.number}`, versionHash: version.hash });
    for (const entry of entries) invite({ db: tx, clock, config, appeal, entry, version, kind: 'signing-invitation' });
    return { ok: true as const, invited: entries.length };
  });
}

/** "Neuen Link senden" / "Einladen": a new link by mail; the old one stops working. */
export function resendInvitation({ db, clock, config, appeal, actor, signatoryId }: OrganiserAction & { signatoryId: number }) {
  if (!isOpenForSigning(appeal)) throw conflict('signing.notOpen');
  db.transaction((tx) => {
    const entry = findFirstSignatory({ db: tx, appeal, signatoryId });
    const version = currentVersion({ db: tx, appeal });
    if (signatureCountsFor(entry.signatory, version)) throw conflict('signing.alreadySigned');
    const kind = entry.signatory.status === 'not_invited' ? 'signing-invitation' : 'signing-reminder';
    invite({ db: tx, clock, config, appeal, entry, version, kind });
    recordAudit({ db: tx, clock, appealId: appeal.id, actor, action: 'invited', detail: `Neuer Link an ${entry.organisation.name} gesendet` });
  });
}

/** "Erinnern": the same as a new link, worded as a reminder. */
export function remindNow({ db, clock, config, appeal, actor, signatoryId }: OrganiserAction & { signatoryId: number }) {
  if (!isOpenForSigning(appeal)) throw conflict('signing.notOpen');
  db.transaction((tx) => {
    const entry = findFirstSignatory({ db: tx, appeal, signatoryId });
    const version = currentVersion({ db: tx, appeal });
    if (hasAnswered(entry.signatory, version)) throw conflict('signing.alreadyAnswered');
    invite({ db: tx, clock, config, appeal, entry, version, kind: 'signing-reminder' });
    recordAudit({ db: tx, clock, appealId: appeal.id, actor, action: 'reminded', detail: entry.organisation.name });
  });
}

/** "Link sperren": the signatory's links stop working until a new one is sent. */
export function revokeLinks({ db, clock, appeal, actor, signatoryId }: OrganiserAction & { signatoryId: number }) {
  db.transaction((tx) => {
    const entry = findFirstSignatory({ db: tx, appeal, signatoryId });
    signingRepository(tx).revokeLinks(entry.signatory.id, 'sign', clock());
    recordAudit({ db: tx, clock, appealId: appeal.id, actor, action: 'link_revoked', detail: entry.organisation.name });
  });
}

/**
 * Called after the text of an appeal was saved (the composition root hands it to appeals/):
 * during signing a changed text becomes a new version, and everyone who signed an older one
 * is asked to confirm again.
 */
export function recordTextChange({ db, clock, config, appeal, actor }: OrganiserAction) {
  if (!isOpenForSigning(appeal)) return;
  const { version, created } = freezeVersion({ db, appeal, now: clock() });
  if (!created) return;
  recordAudit({ db, clock, appealId: appeal.id, actor, action: 'text_versioned', detail: `Textfassung ${version.number}`, versionHash: version.hash });
  for (const entry of firstSignatories({ db, appeal })) {
    if (entry.signatory.status === 'signed' || entry.signatory.status === 'needs_reconfirmation') {
      invite({ db, clock, config, appeal, entry, version, kind: 'signing-reconfirmation' });
    }
  }
}

/**
 * What saving this text would do during signing, before anything is saved: the next version's
 * number, the organisations whose signature then no longer counts (they are asked to confirm
 * again) and the word changes. Undefined when saving changes no signature.
 */
export function textChangeImpact({ db, appeal, text }: { db: Db; appeal: Appeal; text: Parameters<typeof canonicalText>[0] }): TextChangeImpact | undefined {
  if (!isOpenForSigning(appeal)) return undefined;
  const latest = signingRepository(db).latestVersion(appeal.id);
  if (!latest || latest.hash === textHash(text)) return undefined;
  const signed = firstSignatories({ db, appeal }).filter((entry) => signatureCountsFor(entry.signatory, latest));
  if (signed.length === 0) return undefined;
  return {
    currentVersion: latest.number,
    nextVersion: latest.number + 1,
    organisations: signed.map((entry) => entry.organisation.name),
    changes: textChanges(latest, { canonical: canonicalText(text) }),
  };
}

/** Those who have not answered the current text: the names the finalise page asks about. */
export function missingAnswers({ db, appeal }: { db: Db; appeal: Appeal }): SignatoryWithOrganisation[] {
  const version = signingRepository(db).latestVersion(appeal.id);
  return firstSignatories({ db, appeal }).filter((entry) => !hasAnswered(entry.signatory, version));
}

/** What the organiser's "Unterschriften" page shows, fetched in one go for the presenter. */
export function loadSigningDashboard({ db, appeal }: { db: Db; appeal: Appeal }) {
  const repository = signingRepository(db);
  return {
    appeal,
    version: repository.latestVersion(appeal.id),
    entries: firstSignatories({ db, appeal }),
    signLinks: repository.currentLinks(appeal.id, 'sign'),
  };
}
export type SigningDashboardData = ReturnType<typeof loadSigningDashboard>;

export type FinaliseResult = { ok: true } | { ok: false; error: MessageKey; missing?: SignatoryWithOrganisation[] };

/** Locks text and signatories. Without answers from everyone only with `goAheadWithoutMissing`. */
export function finalise({ db, clock, appeal, actor, goAheadWithoutMissing }: OrganiserAction & { goAheadWithoutMissing: boolean }): FinaliseResult {
  return db.transaction((tx) => {
    if (!mayFinalise(appeal)) return { ok: false as const, error: 'signing.finalise.notSigning' as const };
    const missing = missingAnswers({ db: tx, appeal });
    if (missing.length > 0 && !goAheadWithoutMissing) return { ok: false as const, error: 'signing.finalise.missingAnswers' as const, missing };
    const version = currentVersion({ db: tx, appeal });
    const signed = firstSignatories({ db: tx, appeal }).filter((entry) => signatureCountsFor(entry.signatory, version));
    if (signed.length === 0) return { ok: false as const, error: 'signing.finalise.nobodySigned' as const };
    if (!appealsRepository(tx).applyEvent(appeal.id, 'finalise', clock())) return { ok: false as const, error: 'signing.finalise.notSigning' as const };
    // What the letter says of its supporters is fixed with the letter.
    freezeSupporterSnapshot({ db: tx, clock, appeal });
    const detail = missing.length > 0 ? `ohne Antwort von: ${missing.map((entry) => entry.organisation.name).join(', ')}` : 'alle haben geantwortet';
    recordAudit({ db: tx, clock, appealId: appeal.id, actor, action: 'finalised', detail: `Textfassung ${version.number}, ${signed.length} Unterschriften; ${detail}`, versionHash: version.hash });
    return { ok: true as const };
  });
}

/** Back from final to signing, until sending has started: everyone who signed confirms again. */
export function reopen({ db, clock, config, appeal, actor }: OrganiserAction) {
  // Once "Jetzt versenden" was clicked, letters are going out in this version: no way back.
  if (hasSendingStarted(appeal)) throw conflict('signing.reopen.dispatched');
  if (!mayReopen(appeal)) throw conflict('signing.reopen.notFinal');
  db.transaction((tx) => {
    const reopened = appealsRepository(tx).applyEvent(appeal.id, 'reopen', clock());
    // Sending started (or someone else reopened) since the page was loaded.
    if (!reopened) throw conflict('signing.reopen.dispatched');
    clearSupporterSnapshot({ db: tx, appeal });
    const version = currentVersion({ db: tx, appeal: reopened });
    recordAudit({ db: tx, clock, appealId: appeal.id, actor, action: 'reopened', versionHash: version.hash });
    for (const entry of firstSignatories({ db: tx, appeal })) {
      if (entry.signatory.status === 'signed') invite({ db: tx, clock, config, appeal: reopened, entry, version, kind: 'signing-reconfirmation' });
    }
  });
}
