import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { publicFormRateLimit } from '../plugins/rate-limit.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { uploadedFile } from '../shared/uploaded-file.ts';
import { MAX_LOGO_BYTES } from '../signatories/logos.ts';
import { presentJoinPage } from './organisation-join.presenters.ts';
import { checkJoinTiming, filledHoneypot, joinFormStamp, loadJoinPage, readOrganisationJoinForm, requestToJoin } from './organisation-join.service.ts';
import type { JoinPage } from './organisation-join.service.ts';

type Options = { db: Db; clock: Clock; config: Config; fileStore: FileStore };

const joinParams = { slug: 'slug' } as const;
const joinSchema = paramsSchema(joinParams);

/** /a/<slug>/organisation: a supporter organisation asks to join (public, no account). */
const organisationJoinRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config, fileStore }) => {
  app.addHook('onSend', async (_request, reply) => {
    // The form carries a CSRF token and a timing stamp: never from a cache.
    reply.header('cache-control', 'no-store');
  });

  const slug = (request: FastifyRequest) => paramsOf(request, joinParams).slug;
  const render = (reply: FastifyReply, page: JoinPage, form: FormView, status = 200, options: { sent?: boolean; logoAgain?: boolean } = {}) =>
    reply.code(status).viewAsync('supporters/org-join', presentJoinPage(page, { form, formStamp: joinFormStamp({ clock, config }), ...options }));

  app.get('/a/:slug/organisation', { schema: joinSchema }, async (request, reply) => {
    const page = loadJoinPage({ db, clock, slug: slug(request) });
    const sent = (request.query as { sent?: unknown }).sent === '1';
    // Consents start unticked: only an active choice is a consent.
    return render(reply, page, formView({}), 200, { sent });
  });

  app.post('/a/:slug/organisation', { schema: joinSchema, config: { rateLimit: publicFormRateLimit, uploadMaxBytes: MAX_LOGO_BYTES } }, async (request, reply) => {
    const page = loadJoinPage({ db, clock, slug: slug(request) });
    if (page.closed) return render(reply, page, formView({}), 409);
    const sentPage = `/a/${page.appeal.slug}/organisation?sent=1`;
    // A bot gets the same answer as a person, and nothing is stored or sent.
    if (filledHoneypot(request.body)) return reply.redirect(sentPage, 303);
    const form = readOrganisationJoinForm(request.body);
    const timing = checkJoinTiming({ clock, config, body: request.body });
    const logoChosen = uploadedFile(request.body, 'logo') !== undefined;
    if (!form.ok || timing) return render(reply, page, formView(form.values, { ...(form.ok ? {} : form.errors), ...timing }), 422, { logoAgain: logoChosen });
    const saved = await requestToJoin({ db, clock, config, fileStore, appeal: page.appeal, input: form.value, logo: uploadedFile(request.body, 'logo') });
    if (!saved.ok) return render(reply, page, formView(form.values, saved.errors), 422, { logoAgain: true });
    return reply.redirect(sentPage, 303);
  });
};

export default organisationJoinRoutes;
