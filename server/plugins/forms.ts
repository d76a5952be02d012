import { createHash } from 'node:crypto';
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
/** What a route with `uploadDigestOnly` keeps of the file besides its hash. */
export const UPLOAD_HEAD_BYTES = 1024;
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
      // A route that only compares files by hash gets the hash and the first bytes, not the file.
      const digest = this.routeOptions.config.uploadDigestOnly ? createHash('sha256') : undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of part.file) {
        const bytes = chunk as Buffer;
        if (digest && size + bytes.length <= maxBytes) digest.update(bytes);
        if (size + bytes.length <= maxBytes && (!digest || size < UPLOAD_HEAD_BYTES)) chunks.push(digest ? bytes.subarray(0, UPLOAD_HEAD_BYTES - size) : bytes);
        size += bytes.length;
      }
      const tooLarge = size > maxBytes || part.file.truncated;
      const file: UploadedFile = {
        filename: part.filename,
        mimetype: part.mimetype,
        size,
        bytes: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks),
        tooLarge,
        ...(digest && !tooLarge ? { sha256: digest.digest('hex') } : {}),
      };
      (part as unknown as { value: UploadedFile }).value = file;
    },
  });
  app.addHook('preValidation', async (request) => {
    request.readingMultipart = false;
  });
};

export default fp(formsPlugin, { name: 'forms' });
