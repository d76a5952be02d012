import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import type { FieldErrors } from '../shared/form.ts';
import { readForm } from '../shared/form.ts';
import { newToken } from '../shared/tokens.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { createBackgroundJobs } from '../jobs/background-jobs.ts';
import { createPendingImportStore } from '../addressees/import/pending-imports.ts';
import type { AddresseeList } from '../addressees/addressees.table.ts';
import { OparlError } from './oparl-fetch.ts';
import { buildOparlPreview, confirmOparlImport, keepPendingOparlImport, readCouncil } from './oparl-import.service.ts';
import type { OparlSelection } from './oparl-import.service.ts';
import { createOparlFetcher, discoverCouncil } from './oparl.service.ts';
import type { CouncilChoices } from './oparl.service.ts';
import { choiceOptions, presentOparlPreview } from './oparl.presenters.ts';
import type { PresentedOparlPreview } from './oparl.presenters.ts';

type Options = { db: Db; clock: Clock; config: Config };

const listParams = { listId: 'id' } as const;
// The import's id names the background read (GET) and then the pending import (POST); both are
// checked by their stores, which answer an unknown id as gone.
const importParams = { listId: 'id', importId: 'token' } as const;
const REFRESH_SECONDS = 2;

type JobResult =
  | { selection: OparlSelection; preview: PresentedOparlPreview; importId: string | undefined; failure?: undefined }
  | { selection: OparlSelection; failure: ReturnType<typeof failure> };

/** The message of a failed read, at the field it belongs to. */
const failure = (error: unknown): { key: MessageKey; params: Record<string, string | number> } => {
  if (error instanceof OparlError) return { key: error.messageKey, params: error.params };
  throw error;
};

/** Council members from the council information system (OParl) into a list: choose → read in the background → preview → import. */
const oparlRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config }) => {
  const store = createPendingImportStore(config.importsDir);
  const jobs = createBackgroundJobs();
  const jobKey = (organiserId: number, listId: number, jobId: string) => `${organiserId}:${listId}:${jobId}`;

  const formPage = (reply: FastifyReply, list: AddresseeList, values: Record<string, string>, council: CouncilChoices | undefined, errors: FieldErrors = {}, params: Record<string, Record<string, string | number>> = {}) =>
    reply.code(Object.keys(errors).length > 0 ? 422 : 200).viewAsync('oparl/import', {
      title: t('oparl.import.title', { name: list.name }),
      list,
      form: formView(values, errors, params),
      council,
      bodies: council ? choiceOptions(council.bodies, values.body ?? council.body?.id ?? '') : [],
      organizations: council ? choiceOptions(council.organizations, values.organization ?? '') : [],
    });

  // Step 1 and 2 (a GET form, no script): the system's address, then its bodies and organisations.
  app.get('/lists/:listId/oparl', { schema: paramsSchema(listParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const form = readForm(request.query);
    const system = form.line('system', { max: 2000 });
    const body = form.line('body', { max: 2000 });
    const values = { system, body };
    if (system === '') return formPage(reply, list, values, undefined);
    const fetcher = createOparlFetcher(config);
    try {
      const council = await discoverCouncil({ fetchJson: fetcher.fetchJson, clock, system, body: body || undefined });
      return formPage(reply, list, values, council);
    } catch (error) {
      const { key, params } = failure(error);
      return formPage(reply, list, values, undefined, { system: key }, { system: params });
    } finally {
      fetcher.close();
    }
  });

  // Step 3: read the members in the background and show the page that waits for the preview.
  app.post('/lists/:listId/oparl', { schema: paramsSchema(listParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const organiserId = request.organiser!.id;
    const form = readForm(request.body);
    const selection = { system: form.line('system', { required: true, max: 2000 }), body: form.line('body', { max: 2000 }) || undefined, organization: form.line('organization', { max: 2000 }) };
    const values = { system: selection.system, body: selection.body ?? '', organization: selection.organization };
    if (selection.system === '') return formPage(reply, list, values, undefined, { system: 'oparl.error.systemRequired' });
    if (selection.organization === '') return formPage(reply, list, values, undefined, { system: 'oparl.error.organizationRequired' });
    const jobId = newToken();
    jobs.ensure<JobResult>(jobKey(organiserId, list.id, jobId), async (progress) => {
      const fetcher = createOparlFetcher(config);
      try {
        const council = await readCouncil({ fetchJson: fetcher.fetchJson, clock, selection, progress });
        const result = await buildOparlPreview({ db, clock, list, council });
        const importId = keepPendingOparlImport({ store, clock, list, organiserId, result });
        return { selection, preview: presentOparlPreview(result), importId };
      } catch (error) {
        // The system's answer was the problem: the form shows it with what was chosen.
        return { selection, failure: failure(error) };
      } finally {
        fetcher.close();
      }
    });
    return reply.redirect(`/lists/${list.id}/oparl/${jobId}`, 303);
  });

  app.get('/lists/:listId/oparl/:importId', { schema: paramsSchema(importParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const { importId: jobId } = paramsOf(request, importParams);
    const job = jobs.peek<JobResult>(jobKey(request.organiser!.id, list.id, jobId));
    if (!job) return reply.redirect(`/lists/${list.id}/oparl`, 303);
    if (job.state === 'failed') {
      const { key, params } = failure(job.error);
      return formPage(reply, list, {}, undefined, { system: key }, { system: params });
    }
    if (job.state === 'running') {
      return reply.viewAsync('oparl/progress', {
        title: t('oparl.import.running'),
        list,
        progress: job.total > 0 ? t('oparl.import.progress', { done: job.done, total: job.total }) : '',
        refreshSeconds: REFRESH_SECONDS,
      });
    }
    if (job.result.failure) {
      const { selection, failure: { key, params } } = job.result;
      return formPage(reply, list, { system: selection.system, body: selection.body ?? '' }, undefined, { system: key }, { system: params });
    }
    const { preview, importId, selection } = job.result;
    return reply.viewAsync('oparl/preview', {
      title: t('oparl.preview.title', { organization: preview.organizationName, name: list.name }),
      list,
      preview,
      importId,
      again: `/lists/${list.id}/oparl?${new URLSearchParams({ system: selection.system, ...(selection.body ? { body: selection.body } : {}) })}`,
    });
  });

  app.post('/lists/:listId/oparl/:importId/import', { schema: paramsSchema(importParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const { importId } = paramsOf(request, importParams);
    const removeLeft = readForm(request.body).checkbox('removeLeft');
    const result = confirmOparlImport({ db, clock, store, list, organiserId: request.organiser!.id, importId, removeLeft });
    return reply.flash('oparl.done', result).redirect(`/lists/${list.id}`, 303);
  });
};

export default oparlRoutes;
