import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, URL-safe. Used for sessions and personal links. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are stored only as this hash, so a database leak does not reveal working links. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A random file name stem for stored uploads (never the uploaded name). */
export function newFileStem(): string {
  return randomBytes(16).toString('hex');
}
