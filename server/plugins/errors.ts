import fp from 'fastify-plugin';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Socket } from 'node:net';
import type { Eta } from 'eta';
import { AppError, RateLimitedError } from '../shared/app-error.ts';
import { redactPath } from '../shared/privacy-log.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { securityHeaders } from './security.ts';
import './types.ts';

type ErrorPage = { status: number; title: MessageKey; text: MessageKey; params?: Record<string, string | number> };

const tooLarge: ErrorPage = { status: 413, title: 'error.tooLarge.title', text: 'error.tooLarge.text' };
const malformed: ErrorPage = { status: 400, title: 'error.badRequest.title', text: 'guard.malformed.text' };
const badRequest = (status: number): ErrorPage => ({ status, title: 'error.badRequest.title', text: 'error.badRequest.text' });

function describe(error: FastifyError, request: FastifyRequest): ErrorPage {
  if (error instanceof RateLimitedError) {
    return { status: 429, title: 'error.rateLimited.title', text: error.messageKey, params: error.params };
  }
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
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return tooLarge;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return badRequest(415);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return malformed;
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return tooLarge;
  if (status >= 400 && status < 500) return badRequest(status);
  // Whatever breaks while a multipart body is read (busboy: "Unexpected end of form",
  // "Boundary not found", a truncated part …) is the body's fault, not the server's.
  if (request.readingMultipart) return malformed;
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

/**
 * Errors of the router itself (a URL that does not decode, a parameter over `maxParamLength`):
 * they come before any hook, so the security headers are set here. The page names neither
 * the URL nor the parameter.
 */
export function frameworkErrors({ secureCookies, templates }: { secureCookies: boolean; templates: Eta }): NonNullable<FastifyServerOptions['frameworkErrors']> {
  const headers = securityHeaders(secureCookies);
  return (error, request, rawReply) => {
    const reply = rawReply as unknown as FastifyReply;
    headers(request.raw, reply.raw);
    const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
    request.log.info({ code: error.code, status, url: redactPath(request.url) }, 'router refused the request');
    const title = t(status === 414 ? 'guard.urlTooLong.title' : 'error.badRequest.title');
    const page = { t, organiser: null, nav: [], flash: null, csrf: () => '', title, heading: title, text: t('guard.urlTooLong.text'), status };
    void templates.renderAsync('errors/page', page).then(
      (html) => reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html),
      (failure: unknown) => {
        request.log.error({ err: failure }, 'error page failed');
        reply.code(status).type('text/plain; charset=utf-8').send(t('guard.urlTooLong.text'));
      },
    );
  };
}

const clientErrorText = (status: number) =>
  `<!doctype html><html lang="de"><meta charset="utf-8"><title>${t(status === 431 ? 'guard.urlTooLong.title' : 'error.badRequest.title')}</title>` +
  `<h1>${t(status === 431 ? 'guard.urlTooLong.title' : 'error.badRequest.title')}</h1><p>${t(status === 431 ? 'guard.urlTooLong.text' : 'error.badRequest.text')}</p></html>`;

/**
 * Requests Node's HTTP parser refuses (headers or URL over 16 KB, broken request lines):
 * a short German page with the basic security headers; the log names only the error code
 * (Fastify's default would log the raw packet, token and all, at trace level).
 */
export function clientErrorHandler(this: { log: { debug(object: object, message: string): void } }, error: Error & { code?: string }, socket: Socket): void {
  {
    const log = this.log;
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    log.debug({ code: error.code, status }, 'client error');
    if (socket.writable) {
      const body = Buffer.from(clientErrorText(status), 'utf8');
      socket.write(
        `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
          'Content-Type: text/html; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: SAMEORIGIN\r\n' +
          "Content-Security-Policy: default-src 'none'; frame-ancestors 'self'\r\nReferrer-Policy: no-referrer\r\nCache-Control: no-store\r\n" +
          `Connection: close\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body);
    }
    socket.destroy();
  }
}

/** German error pages for every failure; details of 5xx errors go to the log only. */
const errorsPlugin: FastifyPluginAsync = async (app) => {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const page = describe(error, request);
    if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
    if (page.status >= 500) request.log.error({ err: error, url: redactPath(request.url), method: request.method }, 'request failed');
    else request.log.info({ code: error.code, status: page.status, url: redactPath(request.url) }, 'request refused');
    return renderErrorPage(reply, page);
  });

  app.setNotFoundHandler(async (_request, reply) =>
    renderErrorPage(reply, { status: 404, title: 'error.notFound.title', text: 'error.notFound.text' }),
  );
};

export default fp(errorsPlugin, { name: 'errors', dependencies: ['view'] });
