import fp from 'fastify-plugin';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { AppError, RateLimitedError } from '../shared/app-error.ts';
import { redactPath } from '../shared/privacy-log.ts';
import './types.ts';

type Options = { baseUrl: string };

/** The local path of a same-origin Referer (the page a form was sent from), or ''. */
export function formPageOf(referer: string | undefined, baseUrl: string): string {
  if (!referer) return '';
  try {
    const url = new URL(referer, baseUrl);
    return url.origin === new URL(baseUrl).origin ? `${url.pathname}${url.search}` : '';
  } catch {
    return '';
  }
}

/**
 * In the organiser area a refused action (a conflict: already signed, list locked, preview
 * stale …) leads back to the page it was sent from with the German reason on top, instead of
 * a bare error page. Forms with typed input re-render themselves (422/409) before this; only
 * what a service throws arrives here. Everything else goes on to the app's error pages.
 */
const conflictsPlugin: FastifyPluginAsync<Options> = async (app, { baseUrl }) => {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const back = formPageOf(request.headers.referer, baseUrl);
    const isConflict = error instanceof AppError && !(error instanceof RateLimitedError) && error.statusCode === 409;
    if (!isConflict || request.method === 'GET' || !back) throw error;
    request.log.info({ status: 409, url: redactPath(request.url) }, 'request refused, back to the form page');
    return reply.flash(error.messageKey, error.params, 'warning').redirect(back, 303);
  });
};

export default fp(conflictsPlugin, { name: 'conflicts' });
