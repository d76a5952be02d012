import type { FastifyServerOptions } from 'fastify';
import { redactLogLine, redactPath, redactText, truncateIp } from '../shared/privacy-log.ts';

/** Where log lines go: anything with a `write(line)` (process.stdout, a test's collector). */
export type LogDestination = { write(line: string): unknown };

type RequestLike = { method?: string; url?: string; ip?: string; host?: string };
type ErrorLike = Error & { code?: unknown; statusCode?: unknown; validationContext?: unknown };

/** Our own error serializer: name, code, status and redacted message and stack; no raw request bytes. */
type SerializedError = { type: string; message: string; stack: string; code?: string; statusCode?: number; cause?: SerializedError };

function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { type: typeof error, message: redactText(String(error)), stack: '' };
  const err = error as ErrorLike;
  return {
    type: err.name,
    message: redactText(err.message),
    stack: redactText(err.stack ?? ''),
    code: typeof err.code === 'string' ? err.code : undefined,
    statusCode: typeof err.statusCode === 'number' ? err.statusCode : undefined,
    cause: err.cause ? serializeError(err.cause) : undefined,
  };
}

/**
 * The app's logger: requests are logged with the personal-link token replaced (`/s/[…]`), the
 * query string dropped and the client address truncated as in the audit trail; headers are
 * censored; every line passes a last filter that redacts anything token-shaped and cuts any
 * IP address it finds, at every level.
 */
export function loggerOptions({
  level,
  destination = process.stdout,
}: {
  level: string;
  destination?: LogDestination;
}): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    serializers: {
      req: (request: RequestLike) => ({ method: request.method, url: redactPath(request.url), remoteAddress: truncateIp(request.ip) }),
      res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
      err: serializeError,
    },
    // Request headers (cookies, forwarded addresses) that a plugin logs at debug or trace.
    redact: { paths: ['headers', '*.headers', '*.*.headers', 'cookie', '*.cookie'], censor: '[…]' },
    stream: { write: (line: string) => destination.write(redactLogLine(line)) },
  };
}
