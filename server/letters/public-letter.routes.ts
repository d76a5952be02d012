import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { sendPdf } from '../shared/pdf-reply.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { findPublicAppeal } from '../supporters/public-page.service.ts';
import { issueLetters } from './letters.service.ts';

type Options = {
  db: Db;
  clock: Clock;
  config: Config;
  fileStore: FileStore;
  /** The day the dispatch rendered the letters for (a higher layer: injected by buildApp). */
  renderDay: (appealId: number) => string | undefined;
};

const slugParams = { slug: 'slug' } as const;
// Rendering is work: one visitor cannot make the server render the letter again and again.
const letterRateLimit = { max: 30, timeWindow: '1 minute', bucket: 'public-letter' };

/**
 * The sent letter (the master copy: no addressee) on the public page, `/a/<slug>/brief.pdf`,
 * once the appeal is sent and its page is public. Rendered for the dispatch's day, so it is
 * the letter that went out (same bytes, same verification code); kept in memory per appeal.
 */
export const publicLetterRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config, fileStore, renderDay }) => {
  const letters = new Map<string, Promise<{ bytes: Uint8Array; fileName: string }>>();

  app.get('/a/:slug/brief.pdf', { schema: paramsSchema(slugParams), config: { rateLimit: letterRateLimit } }, async (request, reply) => {
    const appeal = findPublicAppeal({ db, slug: paramsOf(request, slugParams).slug });
    if (!appeal || appeal.state !== 'sent') return reply.callNotFound();
    const day = renderDay(appeal.id);
    const key = `${appeal.id}:${appeal.updatedAt.getTime()}:${day ?? ''}`;
    let letter = letters.get(key);
    if (!letter) {
      for (const other of letters.keys()) if (other.startsWith(`${appeal.id}:`)) letters.delete(other);
      letter = issueLetters({ db, fileStore, clock, baseUrl: config.baseUrl, seal: config.seal, appeal, ...(day ? { day } : {}), selection: { master: true } }).then(({ master }) => master!);
      letter.catch(() => letters.delete(key));
      letters.set(key, letter);
    }
    reply.header('cache-control', 'public, max-age=3600');
    return sendPdf(reply, await letter, false);
  });
};
