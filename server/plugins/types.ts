import type { Organiser } from '../organisers/organisers.table.ts';
import type { MessageKey } from '../i18n/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in organiser, or null (set by the session plugin). */
    organiser: Organiser | null;
    /** The raw session token from the cookie, when the session is valid. */
    sessionToken: string | null;
  }
  interface FastifyReply {
    /** Data every page template receives (merged by @fastify/view). */
    locals: Record<string, unknown>;
    /** A one-time notice shown on the next page (post/redirect/get). */
    flash(key: MessageKey, params?: Record<string, string | number>, tone?: 'warning'): FastifyReply;
  }
  interface FastifyContextConfig {
    /** Largest accepted upload for this route, in bytes (multipart routes). */
    uploadMaxBytes?: number;
    /** true: files are hashed as they arrive (SHA-256) and only their first KB is kept (routes that compare by hash). */
    uploadDigestOnly?: boolean;
    /** false: the route accepts unsafe methods without a CSRF token (none do today). */
    csrf?: boolean;
    /** Requests per client network and window (plugins/rate-limit.ts); false: none, not even the public-form default. */
    rateLimit?: { max: number; timeWindow: string | number; bucket?: string } | false;
  }
}
