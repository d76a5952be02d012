import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Clock } from '../shared/clock.ts';
import { newToken } from '../shared/tokens.ts';
import { t } from '../i18n/index.ts';
import { formPageOf } from './conflicts.ts';
import './types.ts';

type Options = { clock: Clock; baseUrl: string; secureCookies: boolean };

/** What an organiser typed into a form sent after their session expired. */
type Draft = { page: string; values: Record<string, string>; expiresAt: number };

const DRAFT_MINUTES = 30;
// At most about 100 × 200,000 characters in memory.
const MAX_DRAFTS = 100;
const MAX_DRAFT_CHARS = 200_000;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The form page to keep the posted fields for (set in onRequest, used once the body is read). */
    draftPage: string | null;
  }
}

/** The text fields of a form body (no token, no files), or null when there is nothing to keep. */
function typedValues(body: unknown): Record<string, string> | null {
  if (!body || typeof body !== 'object') return null;
  const values: Record<string, string> = {};
  let chars = 0;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name === '_csrf' || typeof value !== 'string') continue;
    chars += name.length + value.length;
    values[name] = value;
  }
  return Object.keys(values).length > 0 && chars <= MAX_DRAFT_CHARS ? values : null;
}

/**
 * The gate of the organiser area, and what keeps a form's input when the session ran out:
 * a form sent from our own page with a stale session cookie (SameSite=Lax: a cross-site POST
 * carries none) is kept here in memory for half an hour under a random id, which travels in
 * an httpOnly cookie – never the values in a URL. After logging in, the form's page shows the
 * values again, not saved: the organiser sends the form themselves, with a fresh CSRF token.
 * A restart forgets the drafts; the login page then still says that nothing was saved.
 */
const formDraftsPlugin: FastifyPluginAsync<Options> = async (app, { clock, baseUrl, secureCookies }) => {
  const drafts = new Map<string, Draft>();
  const cookieName = 'mz_draft';
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies, signed: true };
  app.decorateRequest('draftPage', null);

  const forgetExpired = () => {
    const now = clock().getTime();
    for (const [id, draft] of drafts) if (draft.expiresAt <= now) drafts.delete(id);
  };
  const toLogin = (reply: FastifyReply, back: string, kept: boolean) => {
    const query = back ? `?next=${encodeURIComponent(back)}&expired=1${kept ? '&kept=1' : ''}` : '?expired=1';
    return reply.redirect(`/login${query}`, 303);
  };

  app.addHook('onRequest', async (request, reply) => {
    if (request.organiser) return;
    if (!UNSAFE_METHODS.has(request.method)) {
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    }
    // A form sent after the session expired: the login page says so and leads back to the form's page.
    const back = formPageOf(request.headers.referer, baseUrl);
    if (!request.sessionExpired || !back) return toLogin(reply, back, false);
    request.draftPage = back; // the body is read next; preValidation keeps it
  });

  app.addHook('preValidation', async (request, reply) => {
    if (request.organiser || !request.draftPage) return;
    const values = typedValues(request.body);
    if (!values) return toLogin(reply, request.draftPage, false);
    forgetExpired();
    if (drafts.size >= MAX_DRAFTS) drafts.delete(drafts.keys().next().value!);
    const id = newToken();
    drafts.set(id, { page: request.draftPage, values, expiresAt: clock().getTime() + DRAFT_MINUTES * 60_000 });
    reply.setCookie(cookieName, id, { ...cookieOptions, maxAge: DRAFT_MINUTES * 60 });
    return toLogin(reply, request.draftPage, true);
  });

  // The organiser's pages send their address along with their forms (to this site only; the
  // app's default is no-referrer, for the personal links): the way back after a login or a
  // refused action (plugins/conflicts.ts) needs the page a form was sent from.
  app.addHook('onSend', async (_request, reply) => {
    if (reply.statusCode < 300) reply.header('referrer-policy', 'same-origin');
  });

  // Back on the form's page, logged in: the page's form shows the kept values once.
  app.addHook('preHandler', async (request, reply) => {
    const raw = request.cookies[cookieName];
    if (!raw || request.method !== 'GET') return;
    const unsigned = request.unsignCookie(raw);
    const draft = unsigned.valid && unsigned.value ? drafts.get(unsigned.value) : undefined;
    if (!draft || draft.expiresAt <= clock().getTime()) {
      reply.clearCookie(cookieName, cookieOptions);
      return;
    }
    if (draft.page !== request.url) return;
    drafts.delete(unsigned.value!);
    reply.clearCookie(cookieName, cookieOptions);
    reply.locals.flash = t('session.draftRestored');
    reply.locals.flashTone = 'warning';
    const render = reply.viewAsync.bind(reply);
    reply.viewAsync = ((page: string, data?: Record<string, unknown>) => render(page, withDraft(data, draft.values))) as typeof reply.viewAsync;
  });
};

/** The page's data with the kept values over the form's own (only pages that have a form). */
function withDraft(data: Record<string, unknown> | undefined, values: Record<string, string>) {
  const form = data?.form as { values?: Record<string, string> } | undefined;
  if (!data || !form || typeof form.values !== 'object') return data;
  return { ...data, form: { ...form, values: { ...form.values, ...values } } };
}

export default fp(formDraftsPlugin, { name: 'form-drafts', dependencies: ['session', 'view'] });
