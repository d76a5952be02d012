import type { FastifyContextConfig, FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import { notFound } from '../shared/app-error.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { readStoredMail, readStoredMailRaw, storedMailSize } from './mail-files.ts';
import { presentMail, presentMailListItem, presentOutboxStatus } from './mail.presenters.ts';
import { getOutboxStatus, getScopedMail, listScopedMails } from './mail.service.ts';
import type { MailScope } from './mail.service.ts';

/** The HTML part is shown in a sandboxed frame from this response: no script, no requests. */
const mailHtmlPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

type ParamKinds = Record<string, 'slug' | 'id'>;

export type MailViewerOptions = {
  db: Db;
  config: Config;
  /** The URL of the mail pages, e.g. "/appeals/:slug/mail" or "/mail". */
  prefix: string;
  /** The params of `prefix` (each route adds its own). */
  params: ParamKinds;
  /** Route config of every page, e.g. `{ appealRole: 'viewer' }` (the access plugins read it). */
  routeConfig?: FastifyContextConfig;
  /** Whose mail the request may see; nothing outside it is listed, shown or downloaded. */
  scopeOf(request: FastifyRequest): MailScope;
  /** The concrete URL of `prefix` for this request (links). */
  baseOf(request: FastifyRequest): string;
  /** Further view data of every page (the appeal header, links to other mail pages). */
  pageData?(request: FastifyRequest): Record<string, unknown>;
};

/**
 * The mail pages of one scope: the list of its e-mails (the .eml files the file transport
 * wrote for its outbox rows, when no SMTP server is configured), one e-mail with its parts and
 * attachments, and the outbox state of its rows. A stored file is reached only through its
 * outbox row, never by listing the directory, so a page shows no mail outside its scope.
 */
export function registerMailViewer(app: FastifyInstance, options: MailViewerOptions): void {
  const { db, config, prefix, params, routeConfig, scopeOf, baseOf } = options;
  const pageData = options.pageData ?? (() => ({}));
  const fileTransport = config.mail.smtp === undefined;
  const dir = config.mail.dir;
  const mailParams = { ...params, mailId: 'id' } as const;
  const attachmentParams = { ...params, mailId: 'id', index: 'index' } as const;
  const routeOptions = (schemaParams: Record<string, 'slug' | 'id' | 'index'>) => ({
    schema: paramsSchema(schemaParams),
    ...(routeConfig ? { config: routeConfig } : {}),
  });

  const rowOf = (request: FastifyRequest) => {
    const { mailId } = paramsOf(request, mailParams);
    const row = getScopedMail({ db, scope: scopeOf(request), id: mailId });
    if (!row) throw notFound('mail.notFound');
    return row;
  };
  const storedRaw = (request: FastifyRequest) => {
    const row = rowOf(request);
    const raw = fileTransport && row.storedFile ? readStoredMailRaw(dir, row.storedFile.replace(/\.eml$/, '')) : undefined;
    if (!raw) throw notFound('mail.notFound');
    return { row, raw };
  };
  const stored = (request: FastifyRequest) => {
    const row = rowOf(request);
    const mail = fileTransport && row.storedFile ? readStoredMail(dir, row.storedFile.replace(/\.eml$/, '')) : undefined;
    if (!mail) throw notFound('mail.notFound');
    return { row, ...mail };
  };

  app.get(prefix, routeOptions(params), async (request, reply) => {
    const base = baseOf(request);
    const common = { title: t('mail.title'), base, fileTransport, ...pageData(request) };
    if (!fileTransport) return reply.viewAsync('mail/index', { ...common, smtp: config.mail.smtp!.displayUrl, mails: [], total: 0, shown: 0 });
    const { rows, total } = listScopedMails({ db, scope: scopeOf(request) });
    const mails = rows.map((row) => presentMailListItem(base, row, row.storedFile ? storedMailSize(dir, row.storedFile) : undefined));
    return reply.viewAsync('mail/index', { ...common, mails, total, shown: rows.length });
  });

  app.get(`${prefix}/outbox`, routeOptions(params), async (request, reply) => {
    const status = getOutboxStatus({ db, scope: scopeOf(request) });
    return reply.viewAsync('mail/outbox', { title: t('mail.outbox.title'), base: baseOf(request), ...pageData(request), ...presentOutboxStatus(status) });
  });

  app.get(`${prefix}/:mailId`, routeOptions(mailParams), async (request, reply) => {
    const { row, message, raw } = stored(request);
    const mail = presentMail(`${baseOf(request)}/${row.id}`, message, raw.length);
    return reply.viewAsync('mail/show', { title: mail.subject, base: baseOf(request), ...pageData(request), mail });
  });

  app.get(`${prefix}/:mailId/raw`, routeOptions(mailParams), async (request, reply) => {
    const { row, raw } = storedRaw(request);
    return reply
      .type('message/rfc822')
      .header('content-disposition', `attachment; filename="${row.storedFile}"`)
      .send(raw);
  });

  app.get(`${prefix}/:mailId/html`, routeOptions(mailParams), async (request, reply) => {
    const { message } = stored(request);
    if (message.html === undefined) throw notFound('mail.notFound');
    return reply.type('text/html; charset=utf-8').header('content-security-policy', mailHtmlPolicy).send(message.html);
  });

  app.get(`${prefix}/:mailId/attachments/:index`, routeOptions(attachmentParams), async (request, reply) => {
    const { index } = paramsOf(request, attachmentParams);
    const attachment = stored(request).message.attachments[index];
    if (!attachment) throw notFound('mail.notFound');
    const asciiName = attachment.filename.replace(/[^A-Za-z0-9._-]+/g, '_') || 'anhang';
    return reply
      .type(attachment.contentType === 'application/pdf' ? 'application/pdf' : 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`)
      .send(attachment.content);
  });
}

type Options = {
  db: Db;
  config: Config;
  /** Links to the mail pages of the organiser's appeals (the composition root knows appeals). */
  appealMailLinks?: (organiserId: number) => { title: string; href: string }[];
};

/**
 * "Meine E-Mails" (/mail): the mail sent to the organiser's own account (e.g. that they were
 * added to a team) and links to the mail pages of their appeals. The mail of an appeal is
 * shown only under /appeals/:slug/mail, to its team. Links of the former all-mail viewer
 * (/mail/<file>) answer 404: they could name another coalition's mail.
 */
const mailRoutes: FastifyPluginAsync<Options> = async (app, { db, config, appealMailLinks }) => {
  registerMailViewer(app, {
    db,
    config,
    prefix: '/mail',
    params: {},
    scopeOf: (request) => ({ organiserId: request.organiser!.id }),
    baseOf: () => '/mail',
    pageData: (request) => ({ own: true, appealLinks: appealMailLinks?.(request.organiser!.id) ?? [] }),
  });
};

export default mailRoutes;
