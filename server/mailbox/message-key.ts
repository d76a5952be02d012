// A Message-ID kept past the mail retention only as its digest: enough to recognise the same
// message again (so it is never handed over twice), not enough to read who wrote it (some
// mail programs build the Message-ID from the sender's address).
import { createHash } from 'node:crypto';

const PREFIX = 'sha256:';

/** The digest form of a Message-ID (a key that already is a digest stays as it is). */
export const forgottenMessageId = (messageId: string): string => (messageId.startsWith(PREFIX) ? messageId : `${PREFIX}${createHash('sha256').update(messageId).digest('hex')}`);

/** Both forms under which a message may be stored: as read, and after the retention job. */
export const messageIdForms = (messageId: string): string[] => [...new Set([messageId, forgottenMessageId(messageId)])];
