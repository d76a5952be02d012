import fp from 'fastify-plugin';
import type { UploadedFile } from '../shared/uploaded-file.ts';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import './types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** True while the multipart body is being read (set and cleared by the forms plugin). */
    readingMultipart: boolean;
  }
}

export const DEFAULT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024;
// Above this, busboy stops reading the part; the request is still answered with a message.
const HARD_FILE_LIMIT = 64 * 1024 * 1024;

/**
 * Urlencoded forms and multipart uploads. Multipart fields land on `request.body` like
 * urlencoded ones (so the CSRF check sees `_csrf`); files are read into memory only up to
 * the route's `uploadMaxBytes` and otherwise drained and flagged `tooLarge`, so that the
 * page can say so at the field instead of failing the request.
 */
const formsPlugin: FastifyPluginAsync = async (app) => {
  await app.register(formbody);
  // While the multipart hook reads the body, any failure is the body's fault (a broken
  // boundary, a truncated part): the error handler answers 400, never 500.
  app.decorateRequest('readingMultipart', false);
  app.addHook('preValidation', async (request) => {
    if (request.isMultipart()) request.readingMultipart = true;
  });
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { fileSize: HARD_FILE_LIMIT, files: 2, fields: 200, parts: 220, fieldSize: 1024 * 1024 },
    async onFile(this: FastifyRequest, part: MultipartFile) {
      const maxBytes = this.routeOptions.config.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of part.file) {
        size += (chunk as Buffer).length;
        if (size <= maxBytes) chunks.push(chunk as Buffer);
      }
      const tooLarge = size > maxBytes || part.file.truncated;
      const file: UploadedFile = {
        filename: part.filename,
        mimetype: part.mimetype,
        size,
        bytes: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks),
        tooLarge,
      };
      (part as unknown as { value: UploadedFile }).value = file;
    },
  });
  app.addHook('preValidation', async (request) => {
    request.readingMultipart = false;
  });
};

export default fp(formsPlugin, { name: 'forms' });
