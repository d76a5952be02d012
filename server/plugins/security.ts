import fp from 'fastify-plugin';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import helmet from 'helmet';
import type { HelmetOptions } from 'helmet';
import type { FastifyPluginAsync } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Security headers with a strict CSP (no inline script or style: every script and
 * stylesheet is a file under /static). Rate limits: plugins/rate-limit.ts.
 */
export function securityHeaderOptions(secureCookies: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        // The PDF previews are shown in frames of our own pages.
        frameSrc: ["'self'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        ...(secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // Personal links (/s/<token>) must never leak through the Referer header.
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'sameorigin' },
    hsts: secureCookies ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
  };
}

/**
 * The same headers for answers that bypass the request hooks (router errors such as a bad
 * URL encoding or an overlong parameter, see plugins/errors.ts).
 */
export function securityHeaders(secureCookies: boolean): (request: IncomingMessage, response: ServerResponse) => void {
  const middleware = helmet(securityHeaderOptions(secureCookies));
  return (request, response) => middleware(request, response, () => {});
}

const securityPlugin: FastifyPluginAsync<{ secureCookies: boolean }> = async (app, { secureCookies }) => {
  // @fastify/helmet bundles its own copy of helmet's types; the options are the same.
  await app.register(fastifyHelmet, securityHeaderOptions(secureCookies) as unknown as FastifyHelmetOptions);
};

export default fp(securityPlugin, { name: 'security' });
