import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { appealRouteSchema } from './appeal-access.ts';
import { presentAppealHeader } from './appeals.presenters.ts';
import { mailTextLabel, presentMailTextList, presentMailTextPreview } from './mail-texts.presenters.ts';
import { mailTextFor, mayEditMailTexts, readMailTextForm, resetMailText, saveMailText } from './mail-texts.service.ts';
import { mailTextsRepository } from './mail-texts.repository.ts';
import { mailTextKinds } from './mail-texts.table.ts';
import type { MailTextKind } from './mail-texts.table.ts';

type Options = { db: Db; clock: Clock };

/** The invitation, reminder and cover mail in the appeal's own words (issue 16 item 6). */
const mailTextsRoutes: FastifyPluginAsync<Options> = async (app, { db, clock }) => {
  const viewer = { schema: appealRouteSchema, config: { appealRole: 'viewer' as const } };
  const editor = { schema: appealRouteSchema, config: { appealRole: 'editor' as const } };

  app.get('/appeals/:slug/mail-texts', viewer, async (request, reply) => {
    const custom = new Set(mailTextsRepository(db).listForAppeal(request.appeal.id).map((row) => row.kind));
    return reply.viewAsync('appeals/mail-texts', {
      title: t('mailTexts.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'mail'),
      texts: presentMailTextList(request.appeal.slug, custom),
    });
  });

  const page = (request: FastifyRequest, kind: MailTextKind, form: FormView, extra: Record<string, unknown> = {}) => {
    const header = presentAppealHeader(request.appeal, request.appealRole, 'mail');
    return {
      title: t('mailTexts.edit.title', { kind: mailTextLabel(kind) }),
      appeal: header,
      kind,
      kindLabel: mailTextLabel(kind),
      editable: header.canEdit && mayEditMailTexts(request.appeal),
      lockedReason: header.canEdit ? t('mailTexts.locked') : t('appeal.readOnly'),
      custom: mailTextFor({ db, appeal: request.appeal, kind }).custom,
      preview: presentMailTextPreview(request.appeal, kind, { subject: form.values.subject ?? '', body: form.values.body ?? '' }),
      form,
      ...extra,
    };
  };

  for (const kind of mailTextKinds) {
    const path = `/appeals/:slug/mail-texts/${kind}`;

    app.get(path, viewer, async (request, reply) => {
      const { subject, body } = mailTextFor({ db, appeal: request.appeal, kind });
      return reply.viewAsync('appeals/mail-text-edit', page(request, kind, formView({ subject, body })));
    });

    // "Vorschau" shows the typed text with sample values and saves nothing; "Speichern" saves.
    app.post(path, editor, async (request, reply) => {
      const result = readMailTextForm(kind, request.body);
      const previewOnly = (request.body as Record<string, unknown>).action === 'preview';
      if (!result.ok || previewOnly || !mayEditMailTexts(request.appeal)) {
        const form = formView(result.values, result.ok ? {} : result.errors, result.ok ? {} : result.params);
        const status = !result.ok ? 422 : mayEditMailTexts(request.appeal) ? 200 : 409;
        return reply.code(status).viewAsync('appeals/mail-text-edit', page(request, kind, form, { previewIsUnsaved: result.ok && status === 200, notSaved: status === 409 }));
      }
      saveMailText({ db, clock, appeal: request.appeal, kind, text: result.value, organiserId: request.organiser!.id });
      return reply.flash('mailTexts.saved').redirect(`/appeals/${request.appeal.slug}/mail-texts/${kind}`, 303);
    });

    app.get(`${path}/reset`, editor, async (request, reply) => confirmReset(request, reply, kind));

    app.post(`${path}/reset`, editor, async (request, reply) => {
      if (!mayEditMailTexts(request.appeal)) {
        const { subject, body } = mailTextFor({ db, appeal: request.appeal, kind });
        return reply.code(409).viewAsync('appeals/mail-text-edit', page(request, kind, formView({ subject, body }), { notSaved: true }));
      }
      resetMailText({ db, appeal: request.appeal, kind });
      return reply.flash('mailTexts.resetDone').redirect(`/appeals/${request.appeal.slug}/mail-texts/${kind}`, 303);
    });
  }

  const confirmReset = (request: FastifyRequest, reply: FastifyReply, kind: MailTextKind) =>
    reply.viewAsync('appeals/mail-text-reset', {
      title: t('mailTexts.reset.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'mail'),
      kind,
      kindLabel: mailTextLabel(kind),
    });
};

export default mailTextsRoutes;
