import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import { notFound } from '../shared/app-error.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { listStoredMails, readStoredMail, readStoredMailRaw } from './mail-files.ts';
import { presentMail, presentMailListItem, presentOutboxStatus } from './mail.presenters.ts';
import { getOutboxStatus } from './mail.service.ts';

type Options = { db: Db; config: Config };

/** A stored mail is named by its file stem; mail-files checks the exact form before any path is built. */
const mailParams = { id: 'file' } as const;
const attachmentParams = { id: 'file', index: 'index' } as const;

/** The HTML part is shown in a sandboxed frame from this response: no script, no requests. */
const mailHtmlPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/**
 * For organisers: the stored e-mails of the file transport (/mail, only when no SMTP server is
 * configured) and the outbox status (/mail/outbox).
 */
const mailRoutes: FastifyPluginAsync<Options> = async (app, { db, config }) => {
  const fileTransport = config.mail.smtp === undefined;
  const dir = config.mail.dir;

  const stored = (id: string) => {
    const mail = fileTransport ? readStoredMail(dir, id) : undefined;
    if (!mail) throw notFound('mail.notFound');
    return mail;
  };

  app.get('/mail', async (_request, reply) => {
    if (!fileTransport) {
      return reply.viewAsync('mail/index', { title: t('mail.title'), fileTransport, smtp: config.mail.smtp!.displayUrl, mails: [], total: 0 });
    }
    const { mails, total } = listStoredMails(dir);
    return reply.viewAsync('mail/index', { title: t('mail.title'), fileTransport, mails: mails.map(presentMailListItem), total, shown: mails.length });
  });

  app.get('/mail/outbox', async (_request, reply) => {
    return reply.viewAsync('mail/outbox', { title: t('mail.outbox.title'), ...presentOutboxStatus(getOutboxStatus({ db })) });
  });

  app.get('/mail/:id', { schema: paramsSchema(mailParams) }, async (request, reply) => {
    const { id } = paramsOf(request, mailParams);
    const { message, raw } = stored(id);
    const mail = presentMail(id, message, raw.length);
    return reply.viewAsync('mail/show', { title: mail.subject, mail });
  });

  app.get('/mail/:id/raw', { schema: paramsSchema(mailParams) }, async (request, reply) => {
    const { id } = paramsOf(request, mailParams);
    const raw = fileTransport ? readStoredMailRaw(dir, id) : undefined;
    if (!raw) throw notFound('mail.notFound');
    return reply
      .type('message/rfc822')
      .header('content-disposition', `attachment; filename="${id}.eml"`)
      .send(raw);
  });

  app.get('/mail/:id/html', { schema: paramsSchema(mailParams) }, async (request, reply) => {
    const { id } = paramsOf(request, mailParams);
    const { message } = stored(id);
    if (message.html === undefined) throw notFound('mail.notFound');
    return reply.type('text/html; charset=utf-8').header('content-security-policy', mailHtmlPolicy).send(message.html);
  });

  app.get('/mail/:id/attachments/:index', { schema: paramsSchema(attachmentParams) }, async (request, reply) => {
    const { id, index } = paramsOf(request, attachmentParams);
    const attachment = stored(id).message.attachments[index];
    if (!attachment) throw notFound('mail.notFound');
    const asciiName = attachment.filename.replace(/[^A-Za-z0-9._-]+/g, '_') || 'anhang';
    return reply
      .type(attachment.contentType === 'application/pdf' ? 'application/pdf' : 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`)
      .send(attachment.content);
  });
};

export default mailRoutes;
