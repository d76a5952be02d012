import fp from 'fastify-plugin';
import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { AppError } from '../shared/app-error.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import './types.ts';

type ErrorPage = { status: number; title: MessageKey; text: MessageKey; params?: Record<string, string | number> };

function describe(error: FastifyError): ErrorPage {
  if (error instanceof AppError) {
    const title: MessageKey =
      error.statusCode === 404 ? 'error.notFound.title' : error.statusCode === 403 ? 'error.forbidden.title' : 'error.conflict.title';
    return { status: error.statusCode, title, text: error.messageKey, params: error.params };
  }
  // A route parameter that does not fit its schema names nothing that exists; a body or query
  // that does not fit is a request the form could not have sent.
  if (error.validation) {
    return error.validationContext === 'params'
      ? { status: 404, title: 'error.notFound.title', text: 'error.notFound.text' }
      : { status: 422, title: 'error.badRequest.title', text: 'error.badRequest.text' };
  }
  switch (error.code) {
    case 'FST_CSRF_INVALID_TOKEN':
    case 'FST_CSRF_MISSING_SECRET':
      return { status: 403, title: 'error.csrf.title', text: 'error.csrf.text' };
    case 'RATE_LIMITED':
      return { status: 429, title: 'error.rateLimited.title', text: 'error.rateLimited.text' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return { status: 413, title: 'error.tooLarge.title', text: 'error.tooLarge.text' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, title: 'error.badRequest.title', text: 'error.badRequest.text' };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status, title: 'error.badRequest.title', text: 'error.badRequest.text' };
  return { status: 500, title: 'error.server.title', text: 'error.server.text' };
}

async function renderErrorPage(reply: FastifyReply, page: ErrorPage) {
  reply.code(page.status).header('cache-control', 'no-store');
  if (!reply.locals) reply.locals = { t, organiser: null, flash: null, csrf: () => '' };
  return reply.viewAsync('errors/page', {
    title: t(page.title),
    heading: t(page.title),
    text: t(page.text, page.params),
    status: page.status,
  });
}

/** German error pages for every failure; details of 5xx errors go to the log only. */
const errorsPlugin: FastifyPluginAsync = async (app) => {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const page = describe(error);
    if (page.status >= 500) request.log.error({ err: error, url: request.url, method: request.method }, 'request failed');
    else request.log.info({ code: error.code, status: page.status, url: request.url }, error.message);
    return renderErrorPage(reply, page);
  });

  app.setNotFoundHandler(async (_request, reply) =>
    renderErrorPage(reply, { status: 404, title: 'error.notFound.title', text: 'error.notFound.text' }),
  );
};

export default fp(errorsPlugin, { name: 'errors', dependencies: ['view'] });
