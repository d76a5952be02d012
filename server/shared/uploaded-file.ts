/** A file from a multipart form as the forms plugin puts it on `request.body`; `bytes` is empty when it was too large. */
export type UploadedFile = {
  filename: string;
  mimetype: string;
  size: number;
  bytes: Buffer;
  tooLarge: boolean;
  /** SHA-256 (hex) of the whole file, on routes with `uploadDigestOnly`; `bytes` is then only its first KB. */
  sha256?: string;
};

/** The uploaded file of a multipart field, or undefined when none was chosen. */
export function uploadedFile(body: unknown, field: string): UploadedFile | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (!value || typeof value !== 'object' || !('tooLarge' in value)) return undefined;
  const file = value as UploadedFile;
  return file.filename === '' && file.size === 0 ? undefined : file;
}
