// Route parameters, validated by Fastify's schema before a handler or a service sees them.
// A parameter that does not fit its kind answers 404 (the error handler maps it), so a
// non-numeric id never reaches a service as NaN.
import type { FastifyRequest } from 'fastify';

const kinds = {
  /** An appeal's readable address part, as made by shared/slug.ts. */
  slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,119}$' },
  /** A database id. */
  id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
  /** A personal link's token; its format is checked by the page, which explains a bad link. */
  token: { type: 'string', minLength: 1, maxLength: 200 },
  /** A verification code as typed or scanned ("ABCD-EFGH", any case); checked by the page. */
  code: { type: 'string', minLength: 1, maxLength: 64 },
  /** A stored file's name (random hex with an extension). */
  file: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,120}$' },
  /** An index into a list, from 0. */
  index: { type: 'integer', minimum: 0, maximum: 10_000 },
} as const;

type Kind = keyof typeof kinds;
type ValueOf<K extends Kind> = (typeof kinds)[K]['type'] extends 'integer' ? number : string;
export type ParamsOf<S extends Record<string, Kind>> = { [P in keyof S]: ValueOf<S[P]> };

/**
 * The `schema.params` of a route, e.g. `{ schema: paramsSchema({ slug: 'slug', id: 'id' }) }`.
 * Integers arrive as numbers (Fastify coerces them).
 */
export function paramsSchema<S extends Record<string, Kind>>(spec: S) {
  return {
    params: {
      type: 'object',
      properties: Object.fromEntries(Object.entries(spec).map(([name, kind]) => [name, kinds[kind]])),
      required: Object.keys(spec),
      additionalProperties: false,
    },
  };
}

/** The validated params of a request, typed after the same spec that made its schema. */
export const paramsOf = <S extends Record<string, Kind>>(request: FastifyRequest, _spec: S) => request.params as ParamsOf<S>;
