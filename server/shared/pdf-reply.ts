import type { FastifyReply } from 'fastify';

/** Sends a rendered letter, shown in the browser or as a download. */
export function sendPdf(reply: FastifyReply, letter: { bytes: Uint8Array; fileName: string }, download: boolean) {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `${download ? 'attachment' : 'inline'}; filename="${letter.fileName}"`)
    .send(Buffer.from(letter.bytes.buffer, letter.bytes.byteOffset, letter.bytes.byteLength));
}
