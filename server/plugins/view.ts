import fp from 'fastify-plugin';
import fastifyView from '@fastify/view';
import type { Eta } from 'eta';
import type { FastifyPluginAsync } from 'fastify';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { viewsDir } from '../shared/templates.ts';
import './types.ts';

type Options = { templates: Eta; secureCookies: boolean };

const navigation = [
  { href: '/appeals', label: t('nav.appeals') },
  { href: '/lists', label: t('nav.lists') },
  { href: '/mail', label: t('nav.mail') },
  { href: '/account', label: t('nav.account') },
];

type Flash = { key: MessageKey; params?: Record<string, string | number>; tone?: 'success' | 'warning' };

/**
 * Pages are Eta templates under views/. Each page gets `it.t` (UI strings), `it.organiser`,
 * `it.flash` and `it.csrf()` besides its own data. Flash notices travel in a signed cookie.
 */
const viewPlugin: FastifyPluginAsync<Options> = async (app, { templates, secureCookies }) => {
  // `production: true` keeps Eta's template cache on: without it @fastify/view reconfigures the
  // shared Eta instance to compile every page (and every e-mail) again on each render.
  await app.register(fastifyView, { engine: { eta: templates }, root: viewsDir, viewExt: 'eta', production: true });

  const flashCookie = 'mz_flash';
  const flashCookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies, signed: true };

  app.decorateReply('flash', function (key: MessageKey, params?: Record<string, string | number>, tone?: 'warning') {
    this.setCookie(flashCookie, JSON.stringify({ key, params, tone } satisfies Flash), { ...flashCookieOptions, maxAge: 60 });
    return this;
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.locals = { t, organiser: null, nav: [], flash: null };
    const raw = request.cookies[flashCookie];
    if (raw && request.method === 'GET') {
      const unsigned = request.unsignCookie(raw);
      reply.clearCookie(flashCookie, flashCookieOptions);
      if (unsigned.valid && unsigned.value) {
        try {
          const flash = JSON.parse(unsigned.value) as Flash;
          reply.locals.flash = t(flash.key, flash.params);
          // A refusal (e.g. a conflict answered with a redirect back) reads as a warning, not as success.
          reply.locals.flashTone = flash.tone === 'warning' ? 'warning' : 'success';
        } catch {
          // A broken flash cookie is not worth an error page.
        }
      }
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    if (!request.organiser) return;
    reply.locals.organiser = { name: request.organiser.name, email: request.organiser.email };
    // The operator's page (/admin) is in the menu of admin accounts only.
    const items = request.organiser.isAdmin ? [...navigation, { href: '/admin', label: t('admin.nav') }] : navigation;
    reply.locals.nav = items.map((item) => ({ ...item, current: request.url.startsWith(item.href) }));
  });
};

export default fp(viewPlugin, { name: 'view', dependencies: ['@fastify/cookie'] });
