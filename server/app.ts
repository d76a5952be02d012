import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Eta } from 'eta';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import { checkDatabase } from './db/health.ts';
import type { Clock } from './shared/clock.ts';
import { systemClock } from './shared/clock.ts';
import { createFileStore } from './shared/file-store.ts';
import { createTemplates } from './shared/templates.ts';
import { fromRoot } from './shared/project-root.ts';
import securityPlugin from './plugins/security.ts';
import sessionPlugin from './plugins/session.ts';
import viewPlugin from './plugins/view.ts';
import csrfPlugin from './plugins/csrf.ts';
import formsPlugin from './plugins/forms.ts';
import errorsPlugin, { clientErrorHandler, frameworkErrors } from './plugins/errors.ts';
import rateLimitPlugin from './plugins/rate-limit.ts';
import { loggerOptions } from './plugins/log-options.ts';
import type { LogDestination } from './plugins/log-options.ts';
import organisersRoutes from './organisers/organisers.routes.ts';
import appealAccessPlugin from './appeals/appeal-access.ts';
import listAccessPlugin from './addressees/list-access.ts';
import appealsRoutes from './appeals/appeals.routes.ts';
import appealMailRoutes from './appeals/appeal-mail.routes.ts';
import mailTextsRoutes from './appeals/mail-texts.routes.ts';
import { listAppeals } from './appeals/appeals.service.ts';
import { appealsWiring } from './appeals-wiring.ts';
import { invitationAcceptRoutes } from './appeals/team-invitations.routes.ts';
import adminRoutes from './appeals/admin.routes.ts';
import signatoriesRoutes, { logoRoutes } from './signatories/signatories.routes.ts';
import addresseesRoutes from './addressees/addressees.routes.ts';
import appealAddresseesRoutes from './addressees/appeal-addressees.routes.ts';
import signingRoutes from './signing/signing.routes.ts';
import privacyRoutes from './privacy/privacy.routes.ts';
import signingDashboardRoutes from './signing/signing-dashboard.routes.ts';
import auditRoutes from './audit/audit.routes.ts';
import { draftLetterRoutes } from './letters/draft-letter.routes.ts';
import { lettersRoutes } from './letters/letters.routes.ts';
import { verifyRoutes } from './letters/verify.routes.ts';
import { signingRecordPublicRoutes, signingRecordRoutes } from './letters/signing-record.routes.ts';
import addresseesImportRoutes from './addressees/addressees-import.routes.ts';
import mailRoutes from './mail/mail.routes.ts';
import dispatchRoutes from './dispatch/dispatch.routes.ts';
import { createMailRenderer } from './mail/mail.templates.ts';
import organisationJoinRoutes from './supporters/organisation-join.routes.ts';
import supportersOrganiserRoutes from './supporters/supporters-organiser.routes.ts';
import { publicPageRoutes } from './supporters/public-page.routes.ts';
import { citizenSignRoutes } from './supporters/citizen-sign.routes.ts';
import { publicLetterRoutes } from './letters/public-letter.routes.ts';
import { dispatchRepository } from './dispatch/dispatch.repository.ts';
import { currentSignedText } from './signing/versions.ts';
import oparlRoutes from './oparl/oparl.routes.ts';
import oparlMeetingsRoutes from './oparl/oparl-meetings.routes.ts';
import { replyLinkRoutes } from './replies/reply-link.routes.ts';
import { repliesInboxRoutes } from './replies/replies-inbox.routes.ts';
import { createReplyFileStore } from './replies/reply-files.ts';
import { publishedRepliesOf } from './replies/replies-inbox.service.ts';
import conflictsPlugin from './plugins/conflicts.ts';
import formDraftsPlugin from './plugins/form-drafts.ts';

export type AppDeps = {
  config: Config;
  db: Db;
  clock?: Clock;
  /** false: no logging (tests); else the level (default LOG_LEVEL) and where lines go (default stdout). */
  logger?: false | { level?: string; destination?: LogDestination };
  /** The one Eta instance (server/index.ts shares it with the mail worker). */
  templates?: Eta;
};

export type RouteTableEntry = { method: string; url: string; hasParamsSchema: boolean; hasBodySchema: boolean };

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteTableEntry[];
  }
}

const staticDir = fromRoot('static');
const webFontDir = join(dirname(createRequire(import.meta.url).resolve('source-sans/package.json')), 'WOFF2', 'TTF');

/** The one app factory: used by server/index.ts, the tests and the CLI. Only index.ts listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const clock = deps.clock ?? systemClock;
  const fileStore = createFileStore(config.uploadsDir);
  const templates = deps.templates ?? createTemplates();

  const app = Fastify({
    logger: deps.logger === false ? false : loggerOptions({ level: deps.logger?.level ?? config.logLevel, destination: deps.logger?.destination }),
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    bodyLimit: 2 * 1024 * 1024,
    // Route parameters are tokens, codes, slugs and ids; nothing longer than this is real.
    routerOptions: { maxParamLength: 200 },
    // Router errors and refused requests get the German page with the security headers.
    frameworkErrors: frameworkErrors({ secureCookies: config.secureCookies, templates }),
    clientErrorHandler,
  });

  // The route table as registered (method, URL, schema): tests derive access and validation
  // checks from it, so that a new route cannot be forgotten.
  const routeTable: RouteTableEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: route.url, hasParamsSchema: Boolean(route.schema?.params), hasBodySchema: Boolean(route.schema?.body) });
    }
  });

  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(securityPlugin, { secureCookies: config.secureCookies });
  await app.register(formsPlugin);
  await app.register(sessionPlugin, { db, clock, secureCookies: config.secureCookies, requireSecondFactor: config.requireSecondFactor });
  await app.register(rateLimitPlugin, { db, clock, secret: config.sessionSecret });
  await app.register(viewPlugin, { templates, secureCookies: config.secureCookies });
  await app.register(csrfPlugin, { secret: config.sessionSecret, secureCookies: config.secureCookies });
  await app.register(errorsPlugin);
  await app.register(fastifyStatic, { root: staticDir, prefix: '/static/', maxAge: '1h' });
  // The web pages use the letter's typeface, served from the font package.
  await app.register(fastifyStatic, {
    root: webFontDir,
    prefix: '/static/fonts/',
    decorateReply: false,
    maxAge: '30d',
    allowedPath: (path) => /^\/SourceSans3-[A-Za-z]+\.ttf\.woff2$/.test(path),
  });

  app.get('/healthz', async (_request, reply) => {
    const ok = checkDatabase(db);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'error' });
  });

  await app.register(organisersRoutes, { db, clock, secret: config.sessionSecret, secureCookies: config.secureCookies, requireSecondFactor: config.requireSecondFactor });
  await app.register(logoRoutes, { fileStore });
  await app.register(signingRoutes, { db, clock, config, fileStore });
  await app.register(draftLetterRoutes, { db, clock, config, fileStore });
  await app.register(verifyRoutes, { db, sealTimestamps: Boolean(config.seal?.tsa) });
  await app.register(signingRecordPublicRoutes, { db, clock, fileStore, baseUrl: config.baseUrl, seal: config.seal });
  await app.register(organisationJoinRoutes, { db, clock, config, fileStore });
  // The public side of an appeal: its page, open data, citizens' signatures, the sent letter.
  const dispatchOf = (appealId: number) => dispatchRepository(db).findByAppeal(appealId);
  await app.register(publicPageRoutes, { db, clock, config, sentAt: (appealId) => dispatchOf(appealId)?.finishedAt ?? null, signedText: (appeal) => currentSignedText({ db, appeal }), replies: (appeal) => publishedRepliesOf({ db, appeal }) });
  await app.register(citizenSignRoutes, { db, clock, config });
  await app.register(publicLetterRoutes, { db, clock, config, fileStore, renderDay: (appealId) => dispatchOf(appealId)?.day });
  await app.register(invitationAcceptRoutes, { db, clock });
  const replyFiles = createReplyFileStore(config.uploadsDir);
  await app.register(replyLinkRoutes, { db, clock, config, store: replyFiles });

  // Everything below needs a logged-in organiser; pages carry no-store (ASVS 14.3.2).
  await app.register(async (organiserArea) => {
    await organiserArea.register(formDraftsPlugin, { clock, baseUrl: config.baseUrl, secureCookies: config.secureCookies });
    organiserArea.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });
    await organiserArea.register(conflictsPlugin, { baseUrl: config.baseUrl });
    await organiserArea.register(appealAccessPlugin, { db });
    await organiserArea.register(listAccessPlugin, { db });
    await organiserArea.register(appealsRoutes, { db, clock, secret: config.sessionSecret, ...appealsWiring({ db, clock, config }) });
    await organiserArea.register(signingDashboardRoutes, { db, clock, config });
    await organiserArea.register(auditRoutes, { db });
    await organiserArea.register(signatoriesRoutes, { db, clock, fileStore });
    await organiserArea.register(addresseesRoutes, { db, clock });
    await organiserArea.register(addresseesImportRoutes, { db, clock, importsDir: config.importsDir });
    await organiserArea.register(appealAddresseesRoutes, { db });
    await organiserArea.register(lettersRoutes, { db, clock, fileStore, baseUrl: config.baseUrl, jobsDir: config.jobsDir, seal: config.seal });
    await organiserArea.register(signingRecordRoutes, { db, clock, fileStore, baseUrl: config.baseUrl, seal: config.seal });
    await organiserArea.register(mailRoutes, {
      db,
      config,
      appealMailLinks: (organiserId) => listAppeals({ db, organiserId }).map(({ appeal }) => ({ title: appeal.title, href: `/appeals/${appeal.slug}/mail` })),
    });
    await organiserArea.register(appealMailRoutes, { db, config });
    await organiserArea.register(mailTextsRoutes, { db, clock });
    await organiserArea.register(dispatchRoutes, { db, clock, config, render: createMailRenderer(templates) });
    await organiserArea.register(supportersOrganiserRoutes, { db, clock });
    await organiserArea.register(privacyRoutes, { db, clock, fileStore, mailDir: config.mail.dir, replyFiles });
    await organiserArea.register(adminRoutes, { db, clock, secret: config.sessionSecret, mailbox: config.mailbox });
    await organiserArea.register(oparlRoutes, { db, clock, config });
    await organiserArea.register(oparlMeetingsRoutes, { config, clock });
    await organiserArea.register(repliesInboxRoutes, { db, clock, config, store: replyFiles });
  });

  return app;
}
