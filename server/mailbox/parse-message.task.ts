// The parser's worker thread (server/jobs/worker-pool.ts): MIME parsing is pure JavaScript and
// may take long on a large or hostile message, so it never runs on the event loop.
import PostalMime from 'postal-mime';
import { withTransfer } from '../jobs/worker-pool.ts';
import { classifyMessage } from './classify.ts';
import type { IncomingMessage } from './incoming.ts';

/** Parses one raw message (RFC 5322 bytes) and classifies it. */
export async function readIncoming(raw: Uint8Array): Promise<IncomingMessage> {
  // Limits against hostile structure; the message's size is limited before it is fetched.
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer', maxNestingDepth: 50, maxHeadersSize: 1024 * 1024, maxRfc822NestingDepth: 3 });
  return classifyMessage(email);
}

/** The task: readIncoming, with the attachments' bytes moved back to the job, not copied. */
export async function parseIncoming({ raw }: { raw: Uint8Array }): Promise<IncomingMessage> {
  const message = await readIncoming(raw);
  return withTransfer(message, message.attachments.map((attachment) => attachment.bytes));
}
