import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { uploadedFile } from '../shared/uploaded-file.ts';
import { t } from '../i18n/index.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { isOpenForSigning, mayEditSignatoryList } from '../appeals/appeal-lifecycle.ts';
import { appealParams, appealRouteSchema } from '../appeals/appeal-access.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { MAX_LOGO_BYTES } from './logos.ts';
import {
  addFirstSignatory,
  findSignatory,
  listSignatories,
  moveSignatory,
  readSignatoryForm,
  removeSignatory,
  updateFirstSignatory,
} from './signatories.service.ts';
import { logoUrl, presentSignatories, signatoryFormValues } from './signatories.presenters.ts';

type Options = { db: Db; clock: Clock; fileStore: FileStore };

const signatoryParams = { ...appealParams, id: 'id' } as const;
const signatorySchema = paramsSchema(signatoryParams);
const signatoryId = (request: FastifyRequest) => paramsOf(request, signatoryParams).id;
const logoParams = { file: 'file' } as const;

const signatoriesRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, fileStore }) => {
  const uploadConfig = { appealRole: 'editor' as const, uploadMaxBytes: MAX_LOGO_BYTES };

  app.get('/appeals/:slug/signatories', { schema: appealRouteSchema, config: { appealRole: 'viewer' } }, async (request, reply) => {
    return reply.viewAsync('signatories/index', {
      title: t('signatories.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'signatories'),
      signatories: presentSignatories(listSignatories({ db, appeal: request.appeal })),
    });
  });

  const renderForm = (request: FastifyRequest, form: FormView, existing?: { id: number; logoUrl: string | null }, notSaved = false) => ({
    title: existing ? t('signatories.edit.title') : t('signatories.new.title'),
    appeal: presentAppealHeader(request.appeal, request.appealRole, 'signatories'),
    form,
    existing,
    maxLogoMb: MAX_LOGO_BYTES / 1024 / 1024,
    // After finalising the form is shown read-only with the reason; a save sent anyway keeps what was typed.
    locked: !mayEditSignatoryList(request.appeal),
    notSaved,
  });
  const refuseLocked = (request: FastifyRequest, reply: FastifyReply, existing?: { id: number; logoUrl: string | null }) =>
    reply.code(409).viewAsync('signatories/form', renderForm(request, formView(readSignatoryForm(request.body).values), existing, true));

  app.get('/appeals/:slug/signatories/new', { schema: appealRouteSchema, config: { appealRole: 'editor' } }, async (request, reply) => {
    return reply.viewAsync('signatories/form', renderForm(request, formView({})));
  });

  app.post('/appeals/:slug/signatories', { schema: appealRouteSchema, config: uploadConfig }, async (request, reply) => {
    if (!mayEditSignatoryList(request.appeal)) return refuseLocked(request, reply);
    const result = readSignatoryForm(request.body);
    if (!result.ok) return reply.code(422).viewAsync('signatories/form', renderForm(request, formView(result.values, result.errors)));
    const saved = await addFirstSignatory({
      db,
      clock,
      fileStore,
      appeal: request.appeal,
      input: result.value,
      logo: uploadedFile(request.body, 'logo'),
    });
    if (!saved.ok) return reply.code(422).viewAsync('signatories/form', renderForm(request, formView(result.values, saved.errors)));
    // While signing runs, the new organisation is invited once the organiser confirms (signing/).
    if (isOpenForSigning(request.appeal)) {
      return reply.flash('signatories.added', { name: saved.signatory.organisation.name }).redirect(`/appeals/${request.appeal.slug}/signing/${saved.signatory.signatory.id}/invite`, 303);
    }
    return reply
      .flash('signatories.added', { name: saved.signatory.organisation.name })
      .redirect(`/appeals/${request.appeal.slug}/signatories`, 303);
  });

  app.get('/appeals/:slug/signatories/:id/edit', { schema: signatorySchema, config: { appealRole: 'editor' } }, async (request, reply) => {
    const existing = findSignatory({ db, appeal: request.appeal, signatoryId: signatoryId(request) });
    return reply.viewAsync(
      'signatories/form',
      renderForm(request, formView(signatoryFormValues(existing)), { id: existing.signatory.id, logoUrl: logoUrl(existing.organisation.logoFile) }),
    );
  });

  app.post('/appeals/:slug/signatories/:id', { schema: signatorySchema, config: uploadConfig }, async (request, reply) => {
    const existing = findSignatory({ db, appeal: request.appeal, signatoryId: signatoryId(request) });
    const shownAs = { id: existing.signatory.id, logoUrl: logoUrl(existing.organisation.logoFile) };
    if (!mayEditSignatoryList(request.appeal)) return refuseLocked(request, reply, shownAs);
    const result = readSignatoryForm(request.body);
    if (!result.ok) return reply.code(422).viewAsync('signatories/form', renderForm(request, formView(result.values, result.errors), shownAs));
    const saved = await updateFirstSignatory({
      db,
      fileStore,
      appeal: request.appeal,
      signatoryId: existing.signatory.id,
      input: result.value,
      logo: uploadedFile(request.body, 'logo'),
      removeLogo: (request.body as Record<string, unknown>).removeLogo === 'on',
    });
    if (!saved.ok) return reply.code(422).viewAsync('signatories/form', renderForm(request, formView(result.values, saved.errors), shownAs));
    return reply
      .flash('signatories.saved', { name: saved.signatory.organisation.name })
      .redirect(`/appeals/${request.appeal.slug}/signatories`, 303);
  });

  app.post('/appeals/:slug/signatories/:id/move', { schema: signatorySchema, config: { appealRole: 'editor' } }, async (request, reply) => {
    if (!mayEditSignatoryList(request.appeal)) return reply.flash('signatories.locked').redirect(`/appeals/${request.appeal.slug}/signatories`, 303);
    const direction = (request.body as Record<string, unknown>).direction === 'up' ? 'up' : 'down';
    moveSignatory({ db, appeal: request.appeal, signatoryId: signatoryId(request), direction });
    return reply.redirect(`/appeals/${request.appeal.slug}/signatories#signatory-${signatoryId(request)}`, 303);
  });

  // Removing asks first, on a page of its own (works without JavaScript).
  app.get('/appeals/:slug/signatories/:id/delete', { schema: signatorySchema, config: { appealRole: 'editor' } }, async (request, reply) => {
    if (!mayEditSignatoryList(request.appeal)) return reply.flash('signatories.locked').redirect(`/appeals/${request.appeal.slug}/signatories`, 303);
    const existing = findSignatory({ db, appeal: request.appeal, signatoryId: signatoryId(request) });
    return reply.viewAsync('signatories/confirm-remove', {
      title: t('signatories.removeTitle'),
      question: t('signatories.removeQuestion', { name: existing.organisation.name }),
      action: `/appeals/${request.appeal.slug}/signatories/${existing.signatory.id}/delete`,
      cancel: `/appeals/${request.appeal.slug}/signatories#signatory-${existing.signatory.id}`,
    });
  });

  app.post('/appeals/:slug/signatories/:id/delete', { schema: signatorySchema, config: { appealRole: 'editor' } }, async (request, reply) => {
    if (!mayEditSignatoryList(request.appeal)) return reply.flash('signatories.locked').redirect(`/appeals/${request.appeal.slug}/signatories`, 303);
    const removed = removeSignatory({ db, fileStore, appeal: request.appeal, signatoryId: signatoryId(request) });
    return reply
      .flash('signatories.removed', { name: removed.organisation.name })
      .redirect(`/appeals/${request.appeal.slug}/signatories`, 303);
  });
};

/** Logos are public (they appear in letters and on public pages) under unguessable names. */
export const logoRoutes: FastifyPluginAsync<{ fileStore: FileStore }> = async (app, { fileStore }) => {
  app.get('/logos/:file', { schema: paramsSchema(logoParams) }, async (request, reply) => {
    const bytes = fileStore.read('logos', paramsOf(request, logoParams).file);
    if (!bytes) return reply.callNotFound();
    return reply.type('image/png').header('cache-control', 'public, max-age=31536000, immutable').send(bytes);
  });
};

export default signatoriesRoutes;
