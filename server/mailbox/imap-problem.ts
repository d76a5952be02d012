// Why the mailbox could not be read, in the operator's words: the job pauses on any of these and
// shows the sentence on the outbox and operator pages.
import { t } from '../i18n/index.ts';

type ImapError = Error & { code?: string; authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string };

export type ImapProblem = 'auth' | 'tls' | 'connection' | 'folder' | 'other';

/** Raised when the configured folder cannot be opened. */
export class FolderError extends Error {
  constructor(cause: unknown) {
    super('the folder cannot be opened', { cause });
    this.name = 'FolderError';
  }
}

const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'NoConnection', 'EConnectionClosed', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'ClosedAfterConnectText']);

export function imapProblemOf(error: unknown): ImapProblem {
  if (error instanceof FolderError) return 'folder';
  const failure = error as ImapError;
  if (failure.authenticationFailed || failure.serverResponseCode === 'AUTHENTICATIONFAILED') return 'auth';
  const code = failure.code ?? '';
  if (code === 'ClosedAfterConnectTLS' || code === 'EPROTO' || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(code) || /certificate|TLS|SSL/.test(failure.message ?? '')) return 'tls';
  if (connectionCodes.has(code)) return 'connection';
  return 'other';
}

/** The German sentence for the pages, e.g. „Anmeldung abgelehnt“. */
export function imapProblemText(problem: ImapProblem, folder: string): string {
  switch (problem) {
    case 'auth':
      return t('mailbox.problem.auth');
    case 'tls':
      return t('mailbox.problem.tls');
    case 'connection':
      return t('mailbox.problem.connection');
    case 'folder':
      return t('mailbox.problem.folder', { folder });
    default:
      return t('mailbox.problem.other');
  }
}
