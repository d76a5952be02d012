import fp from 'fastify-plugin';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import './types.ts';

/** An uploaded file as route handlers see it. `bytes` is empty when the file was too large. */
export type UploadedFile = {
  filename: string;
  mimetype: string;
  size: number;
  bytes: Buffer;
  tooLarge: boolean;
};

export const DEFAULT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024;
// Above this, busboy stops reading the part; the request is still answered with a message.
const HARD_FILE_LIMIT = 64 * 1024 * 1024;

/** The uploaded file of a multipart field, or undefined when none was chosen. */
export function uploadedFile(body: unknown, field: string): UploadedFile | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (!value || typeof value !== 'object' || !('tooLarge' in value)) return undefined;
  const file = value as UploadedFile;
  return file.filename === '' && file.size === 0 ? undefined : file;
}

/**
 * Urlencoded forms and multipart uploads. Multipart fields land on `request.body` like
 * urlencoded ones (so the CSRF check sees `_csrf`); files are read into memory only up to
 * the route's `uploadMaxBytes` and otherwise drained and flagged `tooLarge`, so that the
 * page can say so at the field instead of failing the request.
 */
const formsPlugin: FastifyPluginAsync = async (app) => {
  await app.register(formbody);
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
};

export default fp(formsPlugin, { name: 'forms' });
