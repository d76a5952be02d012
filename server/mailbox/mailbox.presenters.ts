import { t } from '../i18n/index.ts';
import { formatDateTime } from '../shared/dates.ts';
import type { MailboxStatus } from './mailbox.service.ts';

/** The mailbox's state as the outbox and operator pages say it („Postfach: zuletzt gelesen …“). */
export function presentMailboxStatus(status: MailboxStatus | null) {
  if (!status) return null;
  const lastRead = status.lastReadAt ? formatDateTime(status.lastReadAt) : null;
  if (status.problem) {
    return {
      problem: true,
      line: t('mailbox.state.problem', { problem: status.problem.text, since: formatDateTime(status.problem.since) }),
      details: [
        ...(lastRead ? [t('mailbox.state.lastRead', { time: lastRead })] : []),
        ...(status.problem.retryAt ? [t('mailbox.state.retry', { at: formatDateTime(status.problem.retryAt) })] : []),
        t('mailbox.state.help'),
      ],
      server: status.server,
    };
  }
  return { problem: false, line: lastRead ? t('mailbox.state.read', { time: lastRead }) : t('mailbox.state.notYetRead'), details: [], server: status.server };
}
