import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { t } from '../i18n/index.ts';
import {
  addEntry,
  createList,
  deleteEntry,
  deleteList,
  detachListFromAppeal,
  findEntry,
  listUsage,
  listAccessibleLists,
  listDeletionImpact,
  readAddresseeForm,
  markVerified,
  readListForm,
  searchEntries,
  updateEntry,
  updateList,
  directoryFilters,
} from './addressees.service.ts';
import type { DirectoryFilter } from './addressees.service.ts';
import {
  addressSourceFromForm,
  directoryFilterOptions,
  entryFormValues,
  listFormValues,
  presentCollectivePreview,
  presentDirectoryEntry,
  presentLetterPreview,
  presentEntry,
  presentList,
  quickEditFields,
  salutationOptions,
} from './addressees.presenters.ts';
import { isoDate } from '../shared/dates.ts';

type Options = { db: Db; clock: Clock };

const listParams = { listId: 'id' } as const;
const entryParams = { listId: 'id', id: 'id' } as const;
const usageParams = { listId: 'id', appealId: 'id' } as const;

/** Address lists and their entries; the list plugin (list-access.ts) loads `request.list`. */
const addresseesRoutes: FastifyPluginAsync<Options> = async (app, { db, clock }) => {
  app.get('/lists', async (request, reply) => {
    const lists = listAccessibleLists({ db, organiserId: request.organiser!.id }).map(({ list, access, entryCount }) =>
      presentList(list, access, entryCount),
    );
    return reply.viewAsync('addressees/index', { title: t('lists.title'), lists });
  });

  const renderListForm = (form: FormView, list?: { id: number; name: string }) => ({
    title: list ? t('lists.edit.title', { name: list.name }) : t('lists.new.title'),
    form,
    list,
  });

  app.get('/lists/new', async (_request, reply) => reply.viewAsync('addressees/form', renderListForm(formView({ rank: '50' }))));

  app.post('/lists', async (request, reply) => {
    const result = readListForm(request.body);
    if (!result.ok) return reply.code(422).viewAsync('addressees/form', renderListForm(formView(result.values, result.errors)));
    const list = createList({ db, clock, organiserId: request.organiser!.id, input: result.value });
    return reply.flash('lists.created', { name: list.name }).redirect(`/lists/${list.id}`, 303);
  });

  app.get('/lists/:listId', { schema: paramsSchema(listParams), config: { listAccess: 'viewer' } }, async (request, reply) => {
    const { list, listAccess: access } = request;
    const query = request.query as { q?: unknown; filter?: unknown };
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 200) : '';
    const filter: DirectoryFilter = (directoryFilters as readonly unknown[]).includes(query.filter) ? (query.filter as DirectoryFilter) : 'all';
    const found = searchEntries({ db, list, query: q, filter });
    return reply.viewAsync('addressees/show', {
      title: list.name,
      list: presentList(list, access, found.total),
      collective: presentCollectivePreview(list),
      entries: found.entries.map(presentDirectoryEntry),
      matched: found.matched,
      search: formView({ q, filter }),
      filters: directoryFilterOptions(filter),
      usage: access === 'owner' ? listUsage({ db, list, organiserId: request.organiser!.id }) : null,
    });
  });

  app.post('/lists/:listId/appeals/:appealId/detach', { schema: paramsSchema(usageParams), config: { listAccess: 'owner' } }, async (request, reply) => {
    const { list } = request;
    detachListFromAppeal({ db, list, appealId: paramsOf(request, usageParams).appealId });
    return reply.flash('lists.usage.detached').redirect(`/lists/${list.id}`, 303);
  });

  app.get('/lists/:listId/edit', { schema: paramsSchema(listParams), config: { listAccess: 'owner' } }, async (request, reply) => {
    const { list } = request;
    return reply.viewAsync('addressees/form', renderListForm(formView(listFormValues(list)), list));
  });

  app.post('/lists/:listId', { schema: paramsSchema(listParams), config: { listAccess: 'owner' } }, async (request, reply) => {
    const { list } = request;
    const result = readListForm(request.body);
    if (!result.ok) return reply.code(422).viewAsync('addressees/form', renderListForm(formView(result.values, result.errors), list));
    updateList({ db, list, input: result.value });
    return reply.flash('lists.saved').redirect(`/lists/${list.id}`, 303);
  });

  // Deleting asks first, on a page of its own (works without JavaScript).
  app.get('/lists/:listId/delete', { schema: paramsSchema(listParams), config: { listAccess: 'owner' } }, async (request, reply) => {
    const { list } = request;
    const { entries, usedBy } = listDeletionImpact({ db, list });
    return reply.viewAsync('addressees/confirm-delete', {
      title: t('lists.deleteTitle'),
      question: t('lists.deleteQuestion', { name: list.name, count: entries }),
      blocked: usedBy > 0 ? t('lists.inUseCount', { count: usedBy }) : '',
      lines: [],
      action: `/lists/${list.id}/delete`,
      submit: t('lists.deleteSubmit'),
      cancel: `/lists/${list.id}`,
    });
  });

  app.post('/lists/:listId/delete', { schema: paramsSchema(listParams), config: { listAccess: 'owner' } }, async (request, reply) => {
    const { list } = request;
    deleteList({ db, list });
    return reply.flash('lists.deleted', { name: list.name }).redirect('/lists', 303);
  });

  const renderEntryForm = (list: { id: number; name: string }, form: FormView, entryId?: number) => {
    const source = addressSourceFromForm(form.values);
    const hasContent = source.lastName !== '' || source.firstName !== '' || source.institution !== '';
    return {
      title: entryId ? t('addressee.edit.title') : t('addressee.new.title'),
      list,
      form,
      entryId,
      salutations: salutationOptions(form.values.salutation ?? ''),
      preview: hasContent ? presentLetterPreview(source) : null,
    };
  };

  app.get('/lists/:listId/addressees/new', { schema: paramsSchema(listParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    return reply.viewAsync('addressees/entry-form', renderEntryForm(list, formView({})));
  });

  app.post('/lists/:listId/addressees', { schema: paramsSchema(listParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const result = readAddresseeForm(request.body);
    if (!result.ok) return reply.code(422).viewAsync('addressees/entry-form', renderEntryForm(list, formView(result.values, result.errors)));
    addEntry({ db, clock, list, input: result.value });
    return reply.flash('addressee.added').redirect(`/lists/${list.id}`, 303);
  });

  app.get('/lists/:listId/addressees/:id/edit', { schema: paramsSchema(entryParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const entry = findEntry({ db, list, addresseeId: paramsOf(request, entryParams).id });
    return reply.viewAsync('addressees/entry-form', renderEntryForm(list, formView(entryFormValues(entry)), entry.id));
  });

  app.post('/lists/:listId/addressees/:id', { schema: paramsSchema(entryParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const entry = findEntry({ db, list, addresseeId: paramsOf(request, entryParams).id });
    const result = readAddresseeForm(request.body);
    if (!result.ok) {
      return reply.code(422).viewAsync('addressees/entry-form', renderEntryForm(list, formView(result.values, result.errors), entry.id));
    }
    updateEntry({ db, clock, entry, input: result.value });
    return reply.flash('addressee.saved').redirect(`/lists/${list.id}#addressee-${entry.id}`, 303);
  });

  // Quick edit from the directory row: the submitted fields over the stored entry, checked as a
  // whole; a problem shows the full form with everything typed.
  app.post('/lists/:listId/addressees/:id/quick', { schema: paramsSchema(entryParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const entry = findEntry({ db, list, addresseeId: paramsOf(request, entryParams).id });
    const submitted = request.body as Record<string, unknown>;
    const merged = { ...entryFormValues(entry), ...Object.fromEntries(quickEditFields.map((field) => [field, submitted[field] ?? ''])) };
    const result = readAddresseeForm(merged);
    if (!result.ok) {
      return reply.code(422).viewAsync('addressees/entry-form', renderEntryForm(list, formView(result.values, result.errors), entry.id));
    }
    updateEntry({ db, clock, entry, input: result.value });
    const query = typeof submitted.q === 'string' && submitted.q !== '' ? `?q=${encodeURIComponent(submitted.q)}` : '';
    return reply.flash('addressee.saved').redirect(`/lists/${list.id}${query}#addressee-${entry.id}`, 303);
  });

  app.post('/lists/:listId/addressees/:id/verify', { schema: paramsSchema(entryParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const entry = findEntry({ db, list, addresseeId: paramsOf(request, entryParams).id });
    markVerified({ db, clock, entry, today: isoDate(clock()) });
    return reply.flash('directory.verified').redirect(`/lists/${list.id}#addressee-${entry.id}`, 303);
  });

  app.get('/lists/:listId/addressees/:id/delete', { schema: paramsSchema(entryParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const entry = presentEntry(findEntry({ db, list, addresseeId: paramsOf(request, entryParams).id }));
    return reply.viewAsync('addressees/confirm-delete', {
      title: t('addressee.deleteTitle'),
      question: t('addressee.deleteQuestion', { list: list.name }),
      blocked: '',
      lines: [entry.name, entry.function, entry.institution, entry.address, entry.email].filter(Boolean),
      action: `/lists/${list.id}/addressees/${entry.id}/delete`,
      submit: t('addressee.deleteSubmit'),
      cancel: `/lists/${list.id}#addressee-${entry.id}`,
    });
  });

  app.post('/lists/:listId/addressees/:id/delete', { schema: paramsSchema(entryParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const entry = findEntry({ db, list, addresseeId: paramsOf(request, entryParams).id });
    deleteEntry({ db, entry });
    return reply.flash('addressee.deleted').redirect(`/lists/${list.id}`, 303);
  });
};

export default addresseesRoutes;
