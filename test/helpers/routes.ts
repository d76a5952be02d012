import type { FastifyInstance } from 'fastify';

export type RouteEntry = { method: string; url: string };

/**
 * Every route the app has, read from Fastify's route tree, so that access tests cover routes
 * added later without anyone remembering to list them.
 */
export function listRoutes(app: FastifyInstance): RouteEntry[] {
  const routes: RouteEntry[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = line.match(/^([\s│]*)(?:[├└]── )?(\S+) \(([A-Z, ]+)\)$/);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const segment = match[2]!;
    stack.length = depth;
    const parent = stack.at(-1) ?? '';
    const path = depth === 0 ? segment : `${parent}${parent.endsWith('/') || segment.startsWith('/') ? '' : '/'}${segment}`;
    stack.push(path);
    for (const method of match[3]!.split(', ')) {
      if (method !== 'HEAD') routes.push({ method, url: path });
    }
  }
  return routes;
}
