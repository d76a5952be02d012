import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import { GateFullError } from '../jobs/job-gate.ts';
import type { Clock } from '../shared/clock.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { badgeSvg, createShareImageCache } from './public-page-image.ts';
import { presentAnswers, presentOpenData, presentPublicPage } from './public-page.presenters.ts';
import type { PublishedReplies } from './public-page.presenters.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { findPublicAppeal, isOpenForSupport, loadPublicPage, loadSupportFigures } from './public-page.service.ts';
import type { SignedTextLookup } from './public-page.service.ts';

/** When the appeal's letters were all sent (from the dispatch, a higher layer: injected by buildApp). */
export type SentAtLookup = (appealId: number) => Date | null;

/** The answer rate and published replies (from replies/, a higher layer: injected by buildApp). */
export type PublishedRepliesLookup = (appeal: Appeal) => PublishedReplies | undefined;

type Options = { db: Db; clock: Clock; config: Config; sentAt: SentAtLookup; signedText: SignedTextLookup; replies?: PublishedRepliesLookup; pageCacheMs?: number };

const slugParams = { slug: 'slug' } as const;
const route = { schema: paramsSchema(slugParams) };

type CachedPage = { html: string; etag: string; expires: number };

const etagOf = (body: string | Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/** Answers 304 when the browser has this version already. */
function sendCacheable(request: FastifyRequest, reply: FastifyReply, body: string | Buffer, etag: string, cacheControl: string) {
  reply.header('etag', etag).header('cache-control', cacheControl);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.send(body);
}

/**
 * The public side of an appeal, for anyone: the page `/a/<slug>`, its open data, the badge
 * and the share image. The page is the hot path (shared on social media): its HTML is kept
 * for `pageCacheMs` (1 s) per appeal, so a burst of visitors costs one render per second;
 * it holds no per-visitor data (the signing form with its CSRF token is `/a/<slug>/sign`).
 * Nothing here writes to the database.
 */
export const publicPageRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config, sentAt, signedText, replies, pageCacheMs = 1000 }) => {
  const pages = new Map<string, CachedPage | Promise<CachedPage | undefined>>();
  const shareImages = createShareImageCache();

  const renderPage = async (slug: string): Promise<CachedPage | undefined> => {
    const appeal = findPublicAppeal({ db, slug });
    if (!appeal) return undefined;
    const data = loadPublicPage({ db, appeal, sentAt: appeal.state === 'sent' ? sentAt(appeal.id) : null, signedText: signedText(appeal) });
    const page = presentPublicPage(data, { baseUrl: config.baseUrl, open: isOpenForSupport(appeal, clock()) });
    // Rendered without the visitor: no session, no flash, no CSRF token.
    const answers = presentAnswers(replies?.(appeal));
    const html = await app.view('supporters/public-page', { t, organiser: null, nav: [], flash: null, title: page.title, metaTags: page.metaTags, page, answers });
    return { html, etag: etagOf(html), expires: Date.now() + pageCacheMs };
  };

  const cachedPage = async (slug: string): Promise<CachedPage | undefined> => {
    const entry = pages.get(slug);
    if (entry && !(entry instanceof Promise) && entry.expires > Date.now()) return entry;
    if (entry instanceof Promise) return entry;
    const rendering = renderPage(slug).then(
      (page) => {
        if (page) pages.set(slug, page);
        else pages.delete(slug);
        return page;
      },
      (error: unknown) => {
        pages.delete(slug);
        throw error;
      },
    );
    // Until it is rendered, visitors share the one render in progress.
    pages.set(slug, rendering);
    if (pages.size > 1000) for (const [key, value] of pages) if (!(value instanceof Promise) && value.expires <= Date.now()) pages.delete(key);
    return rendering;
  };

  app.get('/a/:slug', route, async (request, reply) => {
    const page = await cachedPage(paramsOf(request, slugParams).slug);
    if (!page) return reply.callNotFound();
    reply.type('text/html; charset=utf-8');
    // Browsers and proxies may keep it a few seconds; a new count shows soon enough.
    return sendCacheable(request, reply, page.html, page.etag, 'public, max-age=5');
  });

  app.get('/a/:slug.json', route, async (request, reply) => {
    const appeal = findPublicAppeal({ db, slug: paramsOf(request, slugParams).slug });
    if (!appeal) return reply.callNotFound();
    const body = JSON.stringify(presentOpenData(appeal, loadSupportFigures({ db, appeal }), config.baseUrl));
    reply.type('application/json; charset=utf-8').header('access-control-allow-origin', '*');
    return sendCacheable(request, reply, body, etagOf(body), 'public, max-age=60');
  });

  app.get('/a/:slug/badge.svg', route, async (request, reply) => {
    const appeal = findPublicAppeal({ db, slug: paramsOf(request, slugParams).slug });
    if (!appeal) return reply.callNotFound();
    const svg = badgeSvg(loadSupportFigures({ db, appeal }).counts.citizens);
    // Embedded on other sites: an image of our origin that runs nothing.
    reply.type('image/svg+xml; charset=utf-8').header('content-security-policy', "default-src 'none'").header('cross-origin-resource-policy', 'cross-origin');
    return sendCacheable(request, reply, svg, etagOf(svg), 'public, max-age=300');
  });

  app.get('/a/:slug/share.png', route, async (request, reply) => {
    const appeal = findPublicAppeal({ db, slug: paramsOf(request, slugParams).slug });
    if (!appeal) return reply.callNotFound();
    const { counts } = loadSupportFigures({ db, appeal });
    let png: Buffer;
    try {
      png = await shareImages.image({ appealId: appeal.id, title: appeal.title, coalition: appeal.coalitionName, citizens: counts.citizens });
    } catch (error) {
      // Too many first renders at once: a link preview asks again later.
      if (!(error instanceof GateFullError)) throw error;
      return reply.code(503).header('retry-after', '30').send();
    }
    reply.type('image/png').header('cross-origin-resource-policy', 'cross-origin');
    return sendCacheable(request, reply, png, etagOf(png), 'public, max-age=600');
  });
};
