import { Eta } from 'eta';
import { fromRoot } from './project-root.ts';

export const viewsDir = fromRoot('views');

/**
 * The one Eta instance, shared by the pages (@fastify/view) and the e-mails. Output is
 * escaped by default (`<%= %>`); `<%~ %>` is reserved for the layout body, partials and
 * HTML that the app produced itself (the rendered letter text).
 */
export function createTemplates(): Eta {
  const templates = new Eta({ views: viewsDir, cache: true, autoEscape: true, defaultExtension: '.eta' });
  rememberResolvedPaths(templates);
  return templates;
}

/**
 * Eta resolves a template's file path on every render and include (a JSON key, path joins and
 * a containment check, a few per cent of a page). The names are the app's own and the views
 * directory is fixed, so each resolution is remembered; one that fails is not.
 */
function rememberResolvedPaths(templates: Eta): void {
  const resolve = templates.resolvePath;
  if (!resolve) return;
  const resolved = new Map<string, string>();
  templates.resolvePath = function (template, options) {
    const key = `${this.config.views ?? ''}\u0000${options?.filepath ?? ''}\u0000${template}`;
    let path = resolved.get(key);
    if (path === undefined) {
      path = resolve.call(this, template, options);
      if (resolved.size < 10_000) resolved.set(key, path);
    }
    return path;
  };
}
