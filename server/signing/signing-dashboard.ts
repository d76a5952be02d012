// What the organiser's "Unterschriften" page shows: status per first signatory and progress.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { t } from '../i18n/index.ts';
import { formatDateTime } from '../shared/dates.ts';
import type { Clock } from '../shared/clock.ts';
import { signatoriesRepository } from '../signatories/signatories.repository.ts';
import { statusLabel } from '../signatories/signatories.presenters.ts';
import { signingRepository } from './signing.repository.ts';
import { hasAnswered, missingAnswers } from './signing.service.ts';

export function presentSigningDashboard({ db, clock }: { db: Db; clock: Clock }, appeal: Appeal) {
  const repository = signingRepository(db);
  const version = repository.latestVersion(appeal.id);
  const now = clock().getTime();
  const rows = signatoriesRepository(db)
    .list(appeal.id, 'first')
    .map(({ signatory, organisation }) => {
      const link = repository.currentLink(signatory.id, 'sign');
      const waiting = ['invited', 'viewed', 'needs_reconfirmation'].includes(signatory.status);
      const expired = waiting && (!link || (link.expiresAt !== null && link.expiresAt.getTime() <= now));
      const answered = hasAnswered(signatory, version?.id);
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
        canInvite: appeal.state === 'signing' && !(answered && signatory.status === 'signed'),
        inviteLabel: signatory.status === 'not_invited' ? t('signing.dashboard.invite') : t('signing.dashboard.resend'),
        canRemind: appeal.state === 'signing' && !answered && signatory.status !== 'not_invited',
        canRevoke: appeal.state === 'signing' && waiting && link !== undefined,
      };
    });
  const count = (status: string) => rows.filter((row) => row.status === status).length;
  return {
    state: appeal.state,
    version: version ? { number: version.number, hash: version.hash } : null,
    rows,
    progress: {
      total: rows.length,
      signed: count('signed'),
      declined: count('declined') + count('withdrawn'),
      open: rows.length - count('signed') - count('declined') - count('withdrawn'),
    },
    missing: appeal.state === 'signing' ? missingAnswers({ db, appeal }).map((entry) => entry.organisation.name) : [],
    deadline: appeal.signingDeadline,
  };
}
