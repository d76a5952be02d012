import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import type { FieldErrors } from '../shared/form.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { uploadedFile } from '../shared/uploaded-file.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { listEntries } from './addressees.service.ts';
import { exportCsv, exportFileName, exportXlsx } from './addressees.export.ts';
import { importColumnHelp, presentImportPreview } from './addressees.presenters.ts';
import { confirmImport, keepPendingImport, previewImport } from './import/import.service.ts';
import { ImportFileError, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './import/import-errors.ts';
import { createPendingImportStore } from './import/pending-imports.ts';

type Options = { db: Db; clock: Clock; importsDir: string };

const listParams = { listId: 'id' } as const;
// The pending import's id is checked by its store, which answers an unknown or malformed id as expired.
const importParams = { listId: 'id', importId: 'token' } as const;

/** Import of CSV/XLSX files into a list (upload → preview → confirm) and export as CSV/XLSX. */
const addresseesImportRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, importsDir }) => {
  const store = createPendingImportStore(importsDir);

  const uploadPage = (list: { id: number; name: string }, errors: FieldErrors = {}, params: Record<string, string | number> = {}) => {
    const form = formView({}, errors);
    // File-level messages carry parameters (sizes, column names): translate them here.
    for (const [field, key] of Object.entries(errors)) form.errors[field] = t(key as MessageKey, params);
    form.errorList = Object.entries(form.errors).map(([field, message]) => ({ field, message }));
    return {
      title: t('import.title', { name: list.name }),
      list,
      form,
      columns: importColumnHelp(),
      mb: MAX_IMPORT_BYTES / 1024 / 1024,
      rows: MAX_IMPORT_ROWS,
    };
  };

  app.get('/lists/:listId/import', { schema: paramsSchema(listParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    return reply.viewAsync('addressees/import', uploadPage(list));
  });

  app.post('/lists/:listId/import', { schema: paramsSchema(listParams), config: { listAccess: 'editor', uploadMaxBytes: MAX_IMPORT_BYTES } }, async (request, reply) => {
    const { list } = request;
    const file = uploadedFile(request.body, 'file');
    if (!file) return reply.code(422).viewAsync('addressees/import', uploadPage(list, { file: 'import.fileRequired' }));
    if (file.tooLarge) {
      return reply.code(422).viewAsync('addressees/import', uploadPage(list, { file: 'import.file.tooLarge' }, { mb: MAX_IMPORT_BYTES / 1024 / 1024 }));
    }
    try {
      const { preview, fingerprint } = await previewImport({ db, list, bytes: file.bytes });
      const importId = keepPendingImport({ store, clock, list, organiserId: request.organiser!.id, filename: file.filename, preview, fingerprint });
      return reply.viewAsync('addressees/import-preview', {
        title: t('import.preview.title', { name: list.name }),
        list,
        importId,
        preview: presentImportPreview(preview, file.filename),
      });
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      return reply.code(422).viewAsync('addressees/import', uploadPage(list, { file: error.messageKey }, error.params));
    }
  });

  app.post('/lists/:listId/import/:importId', { schema: paramsSchema(importParams), config: { listAccess: 'editor' } }, async (request, reply) => {
    const { list } = request;
    const { importId } = paramsOf(request, importParams);
    const result = confirmImport({ db, clock, store, list, organiserId: request.organiser!.id, importId });
    return reply.flash('import.done', result).redirect(`/lists/${list.id}`, 303);
  });

  app.get('/lists/:listId/export.csv', { schema: paramsSchema(listParams), config: { listAccess: 'viewer' } }, async (request, reply) => {
    const { list } = request;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${exportFileName(list.name, 'csv')}"`)
      .send(exportCsv(listEntries({ db, list })));
  });

  app.get('/lists/:listId/export.xlsx', { schema: paramsSchema(listParams), config: { listAccess: 'viewer' } }, async (request, reply) => {
    const { list } = request;
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${exportFileName(list.name, 'xlsx')}"`)
      .send(await exportXlsx(listEntries({ db, list }), list.name));
  });
};

export default addresseesImportRoutes;
