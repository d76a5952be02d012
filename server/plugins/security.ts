import fp from 'fastify-plugin';
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

/**
 * The headers helmet sets with these options, computed once: none depends on the request (no
 * nonces), and building them (the CSP string above all) on every request was a few per cent
 * of a page. In order, as helmet sets them; a header it removes is left out.
 */
export function fixedSecurityHeaders(secureCookies: boolean): [string, string][] {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
    getHeader: (name: string) => headers.get(name),
  };
  let done = false;
  helmet(securityHeaderOptions(secureCookies))({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish at once');
  return [...headers];
}

const securityPlugin: FastifyPluginAsync<{ secureCookies: boolean }> = async (app, { secureCookies }) => {
  const headers = fixedSecurityHeaders(secureCookies);
  // On the raw response, as @fastify/helmet set them: a route's own header of the same name wins.
  app.addHook('onRequest', (_request, reply, next) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    next();
  });
};

export default fp(securityPlugin, { name: 'security' });
