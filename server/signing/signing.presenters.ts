// View data of co-signing, as pure functions of what the services fetched: the organiser's
// "Unterschriften" page, the representative's signing page and the pages of a bad link.
import type { Appeal } from '../appeals/appeals.table.ts';
import { isOpenForSigning, mayOpen, mayReopen } from '../appeals/appeal-lifecycle.ts';
import { presentLetterPreview } from '../appeals/appeals.presenters.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatDateTime, formatIsoDate } from '../shared/dates.ts';
import { logoUrl, statusLabel } from '../signatories/signatories.presenters.ts';
import type { SigningDashboardData } from './signing-organiser.service.ts';
import type { LinkCheck, LinkProblem, SigningPageData } from './signing-representative.service.ts';
import { hasAnswered } from './signing.service.ts';
import { signatureCountsFor, textChanges } from './versions.ts';

/** Status per first signatory, progress, and what the organiser may do now. */
export function presentSigningDashboard({ appeal, version, entries, signLinks, now }: SigningDashboardData & { now: Date }) {
  const open = isOpenForSigning(appeal);
  const rows = entries.map(({ signatory, organisation }) => {
    const link = signLinks.get(signatory.id);
    const waiting = ['invited', 'viewed', 'needs_reconfirmation'].includes(signatory.status);
    const expired = waiting && (!link || (link.expiresAt !== null && link.expiresAt.getTime() <= now.getTime()));
    const answered = hasAnswered(signatory, version);
    return {
      id: signatory.id,
      organisationName: organisation.name,
      representativeName: signatory.representativeName,
      representativeFunction: signatory.representativeFunction,
      representativeEmail: signatory.representativeEmail,
      status: expired ? 'expired' : signatory.status,
      statusLabel: expired ? `${statusLabel(signatory.status)} – ${t('signing.dashboard.linkExpired')}` : statusLabel(signatory.status),
      declineReason: signatory.status === 'declined' ? signatory.declineReason : '',
      lastActivity: signatory.lastActivityAt ? formatDateTime(signatory.lastActivityAt) : '–',
      signedVersion: signatory.signedVersionId && version && signatory.signedVersionId !== version.id ? t('signing.dashboard.olderVersion') : '',
      canInvite: open && !signatureCountsFor(signatory, version),
      inviteLabel: signatory.status === 'not_invited' ? t('signing.dashboard.invite') : t('signing.dashboard.resend'),
      canRemind: open && !answered && signatory.status !== 'not_invited',
      canRevoke: open && waiting && link !== undefined,
    };
  });
  const count = (status: string) => rows.filter((row) => row.status === status).length;
  return {
    mayOpen: mayOpen(appeal),
    isOpen: open,
    mayReopen: mayReopen(appeal),
    version: version ? { number: version.number, hash: version.hash } : null,
    rows,
    progress: {
      total: rows.length,
      signed: count('signed'),
      declined: count('declined') + count('withdrawn'),
      open: rows.length - count('signed') - count('declined') - count('withdrawn'),
    },
    missing: open ? entries.filter((entry) => !hasAnswered(entry.signatory, version)).map((entry) => entry.organisation.name) : [],
    deadline: appeal.signingDeadline,
  };
}


export function presentSigningPage({ context, version, signedVersion }: SigningPageData) {
  const { signatory, organisation, appeal } = context;
  return {
    appeal: presentAppealSummary(appeal),
    letter: presentLetterPreview(appeal),
    versionNumber: version.number,
    versionHash: version.hash,
    organisation: {
      name: organisation.name,
      shortName: organisation.shortName,
      logoUrl: logoUrl(organisation.logoFile),
      addressLines: organisation.address.split('\n').filter(Boolean),
    },
    signatory: {
      name: signatory.representativeName,
      function: signatory.representativeFunction,
      status: signatory.status,
      signedAt: signatory.signedAt ? formatDateTime(signatory.signedAt) : '',
      declineReason: signatory.declineReason,
    },
    signedCurrent: signatureCountsFor(signatory, version),
    declined: signatory.status === 'declined',
    changes: signatory.status === 'needs_reconfirmation' && signedVersion && signedVersion.id !== version.id ? textChanges(signedVersion, version) : null,
    /** A drawn or uploaded signature given before, which re-confirming may keep. */
    previousSignature: signatory.signatureFile && (signatory.signatureKind === 'drawn' || signatory.signatureKind === 'image') ? signatory.signatureKind : null,
    earlierAnswer: earlierAnswer(signatory),
  };
}

/** The form's starting values from an earlier signature (re-confirmation); a first visit starts typed and without consents. */
function earlierAnswer(signatory: SigningPageData['context']['signatory']): Record<string, string> {
  if (!signatory.signatureKind) return { signatureKind: 'typed' };
  const keep = signatory.signatureFile && signatory.signatureKind !== 'typed';
  return {
    signatureKind: keep ? 'previous' : 'typed',
    ...(signatory.consentPublic ? { consentPublic: 'on' } : {}),
    ...(signatory.consentLogo ? { consentLogo: 'on' } : {}),
  };
}

export function presentAppealSummary(appeal: Appeal) {
  return {
    title: appeal.title,
    coalitionName: appeal.coalitionName,
    contactName: appeal.contactName,
    contactEmail: appeal.contactEmail,
    contactPhone: appeal.contactPhone,
    deadline: appeal.signingDeadline ? formatIsoDate(appeal.signingDeadline) : '',
  };
}

const problemPages: Record<LinkProblem, { status: number; title: MessageKey; text: MessageKey }> = {
  unknown: { status: 404, title: 'signing.link.unknown.title', text: 'signing.link.unknown.text' },
  expired: { status: 410, title: 'signing.link.expired.title', text: 'signing.link.expired.text' },
  revoked: { status: 410, title: 'signing.link.revoked.title', text: 'signing.link.revoked.text' },
  closed: { status: 409, title: 'signing.link.closed.title', text: 'signing.link.closed.text' },
};

/** The page a personal link that cannot be used shows (view 'signing/problem'), and its status. */
export function presentLinkProblem(check: Extract<LinkCheck, { ok: false }>) {
  const page = problemPages[check.problem];
  return {
    status: page.status,
    view: {
      title: t(page.title),
      heading: t(page.title),
      text: t(page.text),
      appeal: check.context ? presentAppealSummary(check.context.appeal) : null,
    },
  };
}
