import { formatDate, formatDateTime } from '../shared/dates.ts';
import type { OutboxState } from '../mail/mail.table.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { loadAdminOverview } from './admin.service.ts';
import { stateLabel } from './appeals.presenters.ts';
import { presentInvitations } from './team-invitations.presenters.ts';
import type { InvitationWithInviter } from './team-invitations.service.ts';

const outboxStates: OutboxState[] = ['queued', 'sending', 'sent', 'failed', 'rejected', 'uncertain'];

export function presentAdminOverview({ overview, invitations, events }: { overview: ReturnType<typeof loadAdminOverview>; invitations: InvitationWithInviter[]; events: { at: string; actor: string; label: string; detail: string }[] }) {
  return {
    organisers: overview.organisers.map((organiser) => ({ ...organiser, createdAt: formatDate(organiser.createdAt) })),
    appeals: overview.appeals.map((appeal) => ({ ...appeal, stateLabel: stateLabel(appeal.state), createdAt: formatDate(appeal.createdAt), owners: appeal.owners.map((owner) => owner.name).join(', ') })),
    mail: {
      counts: outboxStates.map((state) => ({ state, label: t(`admin.mail.${state}` as MessageKey), count: overview.mail.counts[state] ?? 0 })),
      pause: overview.mail.pause ? { since: formatDateTime(overview.mail.pause.since), reason: overview.mail.pause.reason } : null,
      lastError: overview.mail.lastError ? { at: formatDateTime(overview.mail.lastError.at), text: overview.mail.lastError.text } : null,
    },
    invitations: presentInvitations(invitations),
    events,
  };
}
