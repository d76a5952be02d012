import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { appealParams, appealRouteSchema } from '../appeals/appeal-access.ts';
import { hasRole } from '../appeals/appeal-roles.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { t } from '../i18n/index.ts';
import { organiserActor } from '../organisers/organiser-actor.ts';
import { notFound } from '../shared/app-error.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDate } from '../shared/dates.ts';
import { readForm } from '../shared/form.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { uploadedFile } from '../shared/uploaded-file.ts';
import { deliveryRecordCsv, deliveryRecordPdf, recordFileName } from './delivery-record.ts';
import { downloadName, MAX_REPLY_FILES_BYTES } from './reply-files.ts';
import type { ReplyFileStore } from './reply-files.ts';
import { loadInbox, remindAddressees } from './replies-inbox.service.ts';
import { presentInbox } from './replies.presenters.ts';
import { checkReplyFiles, readReplyForm, recordManualReply, replyFileFor, revokeReplyLinks, setNoAnswerExpected, setReplyPublished } from './replies.service.ts';
import { setRemindAfterDays } from './reminders.service.ts';
import { dispatchRepository } from '../dispatch/dispatch.repository.ts';

type Options = { db: Db; clock: Clock; config: Config; store: ReplyFileStore };

const idParams = { ...appealParams, id: 'id' } as const;
const viewer = { schema: appealRouteSchema, config: { appealRole: 'viewer' as const } };
const editor = { schema: appealRouteSchema, config: { appealRole: 'editor' as const } };
const viewerWithId = { schema: paramsSchema(idParams), config: { appealRole: 'viewer' as const } };
const editorWithId = { schema: paramsSchema(idParams), config: { appealRole: 'editor' as const } };

/** A reply's file or the record, only ever as a download that runs nothing. */
const asDownload = (reply: FastifyReply, type: string, name: string) =>
  reply
    .type(type)
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox; frame-ancestors 'none'");

/** The organiser's inbox of an appeal: delivery and answer per addressee, replies, reminders, the delivery record. */
export const repliesInboxRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config, store }) => {
  const base = (request: FastifyRequest) => `/appeals/${request.appeal.slug}/replies`;
  const actor = (request: FastifyRequest) => organiserActor(request.organiser!);
  const id = (request: FastifyRequest) => paramsOf(request, idParams).id;

  const inboxPage = (request: FastifyRequest, reply: FastifyReply, forms: { settings?: FormView; remind?: FormView } = {}, status = 200) => {
    const { appeal } = request;
    const inbox = loadInbox({ db, clock, config, appeal });
    const canEdit = hasRole(request.appealRole, 'editor');
    return reply.code(status).viewAsync('replies/inbox', {
      title: t('replies.inbox.title'),
      appeal: presentAppealHeader(appeal, request.appealRole, 'replies'),
      inbox: inbox ? presentInbox(inbox, { slug: appeal.slug, canEdit }) : null,
      settingsForm: forms.settings ?? formView({ remindAfterDays: String(inbox?.afterDays ?? '') }),
      remindForm: forms.remind ?? formView({}),
      today: isoDate(clock()),
    });
  };

  app.get('/appeals/:slug/replies', viewer, async (request, reply) => inboxPage(request, reply));

  app.post('/appeals/:slug/replies/settings', editor, async (request, reply) => {
    const form = readForm(request.body);
    const raw = form.line('remindAfterDays');
    const days = Number(raw);
    if (!/^\d+$/.test(raw) || days < 1 || days > 365) return inboxPage(request, reply, { settings: formView({ remindAfterDays: raw }, { remindAfterDays: 'replies.error.days' }) }, 422);
    setRemindAfterDays({ db, appeal: request.appeal, days });
    return reply.flash('replies.settings.saved').redirect(base(request), 303);
  });

  app.post('/appeals/:slug/replies/remind', editor, async (request, reply) => {
    const form = readForm(request.body);
    const date = form.date('at');
    const result = form.result(date);
    if (!result.ok || (date && date < isoDate(clock()))) return inboxPage(request, reply, { remind: formView(result.values, { at: 'replies.error.scheduleDate' }) }, 422);
    // A planned reminder goes out in the morning of that day (Berlin time, roughly).
    const at = date ? new Date(`${date}T07:00:00Z`) : undefined;
    const queued = remindAddressees({ db, clock, config, appeal: request.appeal, ...(at ? { at } : {}), actor: actor(request) });
    return reply.flash(queued > 0 ? 'replies.flash.reminded' : 'replies.flash.noneDue', { count: queued }).redirect(base(request), 303);
  });

  app.post('/appeals/:slug/replies/deliveries/:id/remind', editorWithId, async (request, reply) => {
    const queued = remindAddressees({ db, clock, config, appeal: request.appeal, deliveryId: id(request), actor: actor(request) });
    return reply.flash(queued > 0 ? 'replies.flash.reminded' : 'replies.flash.noneDue', { count: queued }).redirect(base(request), 303);
  });

  app.post('/appeals/:slug/replies/deliveries/:id/waiver', editorWithId, async (request, reply) => {
    const waived = readForm(request.body).checkbox('waived');
    if (!setNoAnswerExpected({ db, clock, appeal: request.appeal, deliveryId: id(request), waived })) throw notFound();
    return reply.flash('replies.flash.waiver').redirect(base(request), 303);
  });

  app.post('/appeals/:slug/replies/deliveries/:id/revoke', editorWithId, async (request, reply) => {
    if (!revokeReplyLinks({ db, clock, appeal: request.appeal, deliveryId: id(request), actor: actor(request) })) throw notFound();
    return reply.flash('replies.flash.revoked').redirect(base(request), 303);
  });

  const recordPage = (request: FastifyRequest, reply: FastifyReply, form: FormView, status = 200) => {
    const found = dispatchRepository(db).findInAppeal(request.appeal.id, id(request));
    if (!found) throw notFound();
    return reply.code(status).viewAsync('replies/record', {
      title: t('replies.record.title', { label: found.delivery.label }),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'replies'),
      action: `${base(request)}/deliveries/${found.delivery.id}/record`,
      back: base(request),
      form,
      sources: [
        { value: 'post', label: t('replies.field.source.post'), selected: form.values.source !== 'phone' },
        { value: 'phone', label: t('replies.field.source.phone'), selected: form.values.source === 'phone' },
      ],
    });
  };

  app.get('/appeals/:slug/replies/deliveries/:id/record', editorWithId, async (request, reply) => recordPage(request, reply, formView({ receivedOn: isoDate(clock()) })));

  app.post('/appeals/:slug/replies/deliveries/:id/record', { ...editorWithId, config: { ...editorWithId.config, uploadMaxBytes: MAX_REPLY_FILES_BYTES } }, async (request, reply) => {
    const form = readReplyForm(request.body, { manual: true });
    const files = await checkReplyFiles([uploadedFile(request.body, 'file1')]);
    if (!form.ok || !files.ok) {
      const errors = { ...(form.ok ? {} : form.errors), ...(files.ok ? {} : { file1: files.error }) };
      return recordPage(request, reply, formView(form.values, errors, form.ok ? {} : form.params), 422);
    }
    const recorded = recordManualReply({ db, clock, store, appeal: request.appeal, deliveryId: id(request), input: form.value, files: files.files, actor: actor(request) });
    if (!recorded) throw notFound();
    return reply.flash('replies.flash.recorded').redirect(base(request), 303);
  });

  app.post('/appeals/:slug/replies/answers/:id/publish', editorWithId, async (request, reply) => {
    const publish = readForm(request.body).checkbox('publish');
    const result = setReplyPublished({ db, clock, appeal: request.appeal, replyId: id(request), publish, actor: actor(request) });
    if (result === 'notFound') throw notFound();
    return reply.flash(result === 'noConsent' ? 'replies.flash.noConsent' : publish ? 'replies.flash.published' : 'replies.flash.unpublished').redirect(base(request), 303);
  });

  app.get('/appeals/:slug/replies/files/:id', viewerWithId, async (request, reply) => {
    const found = replyFileFor({ db, store, appeal: request.appeal, fileId: id(request) });
    if (!found) throw notFound();
    const extension = found.file.contentType === 'application/pdf' ? 'pdf' : found.file.contentType === 'image/png' ? 'png' : 'jpg';
    return asDownload(reply, found.file.contentType, downloadName(found.file.fileName, extension)).send(found.bytes);
  });

  app.get('/appeals/:slug/replies/record.csv', viewer, async (request, reply) => {
    const inbox = loadInbox({ db, clock, config, appeal: request.appeal });
    if (!inbox) throw notFound();
    return asDownload(reply, 'text/csv; charset=utf-8', recordFileName(request.appeal, clock(), 'csv')).send(deliveryRecordCsv(inbox));
  });

  app.get('/appeals/:slug/replies/record.pdf', viewer, async (request, reply) => {
    const inbox = loadInbox({ db, clock, config, appeal: request.appeal });
    if (!inbox) throw notFound();
    const bytes = await deliveryRecordPdf({ appeal: request.appeal, inbox, createdAt: clock(), seal: config.seal && { settings: config.seal, location: new URL(config.baseUrl).host } });
    return asDownload(reply, 'application/pdf', recordFileName(request.appeal, clock(), 'pdf')).send(Buffer.from(bytes));
  });
};
