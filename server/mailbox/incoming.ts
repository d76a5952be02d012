// What the mailbox job hands over for each message it read: the contract between this
// infrastructure (which knows no domain) and the handler that records replies, bounces and
// auto-replies against deliveries (injected by server/background.ts). Everything here is data:
// `html` is the message's HTML as text, never rendered or run by this folder.
export type IncomingMessage = {
  kind: 'reply' | 'bounce' | 'auto-reply' | 'other';
  /** Message-IDs keep their angle brackets, as the outbox stores ours: `<mz.12.ab…@example.org>`. */
  messageId: string | null; inReplyTo: string | null; references: string[];
  /** `from` is the sender's address only (lower case), e.g. `poststelle@kreis-kleve.de`. */
  subject: string; from: string; date: Date | null;
  /** The plain text; for an HTML-only message its text without tags. */
  text: string; html: string | null;
  /** None for a bounce: what it says of the original is in `bounce`. */
  attachments: { filename: string; contentType: string; bytes: Uint8Array }[];
  bounce: { originalMessageId: string | null; recipient: string | null; status: string | null; diagnostic: string | null } | null;
};
export type IncomingHandler = (message: IncomingMessage) => Promise<'recorded' | 'ignored'>;
