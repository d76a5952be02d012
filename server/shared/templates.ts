import { Eta } from 'eta';
import { fromRoot } from './project-root.ts';

export const viewsDir = fromRoot('views');

/**
 * The one Eta instance, shared by the pages (@fastify/view) and the e-mails. Output is
 * escaped by default (`<%= %>`); `<%~ %>` is reserved for the layout body, partials and
 * HTML that the app produced itself (the rendered letter text).
 */
export function createTemplates(): Eta {
  return new Eta({ views: viewsDir, cache: true, autoEscape: true, defaultExtension: '.eta' });
}
