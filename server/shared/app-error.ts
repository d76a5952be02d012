import type { MessageKey } from '../i18n/index.ts';

/**
 * An expected failure that the web layer turns into a German page with the given status.
 * Services throw these; the error handler renders `errors/page` with the message.
 */
export class AppError extends Error {
  readonly statusCode: number;
  readonly messageKey: MessageKey;
  readonly params: Record<string, string | number>;
  constructor(statusCode: number, messageKey: MessageKey, params: Record<string, string | number> = {}) {
    super(messageKey);
    this.name = 'AppError';
    this.statusCode = statusCode;
    this.messageKey = messageKey;
    this.params = params;
  }
}

export const notFound = (messageKey: MessageKey = 'error.notFound.text') => new AppError(404, messageKey);
export const forbidden = (messageKey: MessageKey = 'error.forbidden.text') => new AppError(403, messageKey);
export const conflict = (messageKey: MessageKey, params: Record<string, string | number> = {}) =>
  new AppError(409, messageKey, params);

/** Too many requests: the error page says when to try again; the handler sends `Retry-After`. */
export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, messageKey: MessageKey = 'guard.rateLimited.text') {
    super(429, messageKey, { count: Math.max(1, Math.ceil(retryAfterSeconds / 60)) });
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
