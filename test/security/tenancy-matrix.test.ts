// The tenancy matrix: every route of the route table, requested by people who must not reach
// coalition A's appeal, its list, letters and mail. The routes come from `app.routeTable`, so a
// route added later is covered without anyone listing it; a route parameter the matrix does
// not know fails the test until a value is given for it here.
import type { Agent } from 'supertest';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember } from '../../server/appeals/appeals.service.ts';
import { inviteToTeam } from '../../server/appeals/team-invitations.service.ts';
import { startSession } from '../../server/organisers/organisers.service.ts';
import { hashToken } from '../../server/shared/tokens.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { addressees } from '../../server/addressees/addressees.table.ts';
import { startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { deliveries } from '../../server/dispatch/dispatch.table.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { supportersRepository } from '../../server/supporters/supporters.repository.ts';
import { supporters } from '../../server/supporters/supporters.table.ts';
import { repliesRepository } from '../../server/replies/replies.repository.ts';
import { createReplyFileStore } from '../../server/replies/reply-files.ts';
import { buildTestApp } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeFinalAppeal, makeList, makeAddressee, makeOrganiser } from '../helpers/factories.ts';
import { csrfToken } from '../helpers/html.ts';
import { makeMailWorker } from '../helpers/mail.ts';

/**
 * Routes anyone may request without logging in. Everything else must send an anonymous
 * visitor to the login page; a new public route has to be added here on purpose.
 */
const publicRoutes = new Set([
  'GET /static/*',
  'GET /static/fonts/*',
  'GET /healthz',
  'GET /',
  'GET /setup',
  'POST /setup',
  'GET /login',
  'POST /login',
  'GET /logos/:file',
  'GET /s/:token',
  'POST /s/:token/sign',
  'POST /s/:token/decline',
  'GET /w/:token',
  'POST /w/:token',
  'GET /s/:token/signature.png',
  'GET /s/:token/entwurf.pdf',
  'GET /v',
  'GET /v/:code',
  'POST /v/:code',
  'GET /v/:code/zeichnungsnachweis.pdf',
  'GET /a/:slug/organisation',
  'POST /a/:slug/organisation',
  // The public page of an appeal, its open data and the citizens' links (server/supporters/).
  'GET /a/:slug',
  'GET /a/:slug.json',
  'GET /a/:slug/badge.svg',
  'GET /a/:slug/share.png',
  'GET /a/:slug/brief.pdf',
  'GET /a/:slug/sign',
  'POST /a/:slug/sign',
  'GET /a/:slug/sign/check-mail',
  'GET /c/:token',
  'GET /u/:token',
  'POST /u/:token',
  // Accounts: invitation, password reset and e-mail links, the second step of a login.
  'GET /invite/:token',
  'POST /invite/:token',
  'GET /forgot-password',
  'POST /forgot-password',
  'GET /reset/:token',
  'POST /reset/:token',
  'GET /email/:token',
  'POST /email/:token',
  'GET /login/code',
  'POST /login/code',
  // The addressee's reply link (server/replies/).
  'GET /r/:token',
  'POST /r/:token',
  'GET /r/:token/sent',
]);

/** Logging out ends the session the matrix runs in: checked on its own. */
const sessionEnding = new Set(['POST /logout']);

type World = Awaited<ReturnType<typeof buildWorld>>;

/**
 * Coalition A: Anna's final appeal with two signatories, a list of addressees, a started
 * dispatch whose letters the file transport stored, and Vera in the team as a viewer (her
 * member-added mail is stored too). Coalition B: Bruno with an appeal and a list of his own.
 */
async function buildWorld() {
  const test = await buildTestApp();
  const { db, config, fileStore } = test;
  const anna = await makeOrganiser(db, { email: 'anna@buendnis-a.example', name: 'Anna Aalen' });
  const vera = await makeOrganiser(db, { email: 'vera@buendnis-a.example', name: 'Vera Viewer' });
  const bruno = await makeOrganiser(db, { email: 'bruno@buendnis-b.example', name: 'Bruno Bertram' });
  const made = await makeFinalAppeal({ db, fileStore, config }, anna.organiser.id, {
    appeal: { title: 'Geheimsache Bündnis A', coalitionName: 'Koalition Alpha' },
    organisations: ['Alphaverein'],
    addressees: [{ lastName: 'Alphalandrat', institution: 'Kreis Alpha', email: 'landrat@alpha.example' }],
  });
  addMember({ db, clock: systemClock, appeal: made.appeal, input: { email: vera.organiser.email, role: 'viewer' }, addedBy: 'Anna' });
  const invitation = inviteToTeam({ db, clock: systemClock, secret: config.sessionSecret, appeal: made.appeal, email: 'neu@buendnis-a.example', role: 'editor', invitedBy: anna.organiser });
  const started = startDispatch({ db, clock: systemClock, appeal: made.appeal, actor: { organiserId: anna.organiser.id, name: 'Anna' } });
  if (!started.ok) throw new Error(`startDispatch: ${started.error}`);
  const { worker } = makeMailWorker({ db, clock: systemClock, config });
  await worker.runOnce();

  const mail = db.select().from(mailOutbox).where(eq(mailOutbox.appealId, made.appeal.id)).all().find((row) => row.storedFile !== null);
  if (!mail) throw new Error(`no stored mail of appeal A: ${JSON.stringify(db.select({ id: mailOutbox.id, kind: mailOutbox.kind, state: mailOutbox.state, appealId: mailOutbox.appealId, storedFile: mailOutbox.storedFile, err: mailOutbox.lastError }).from(mailOutbox).all())}`);
  const delivery = db.select().from(deliveries).get()!;
  // A reply to A's letter with a file (the :id of the inbox's answer and file routes).
  const reply = repliesRepository(db).insertReply({ deliveryId: delivery.id, source: 'post', office: 'Kreis Alpha', body: 'Antwort an Alpha', receivedAt: new Date(), createdAt: new Date() });
  const replyFile = repliesRepository(db).insertFile({ replyId: reply.id, storedName: createReplyFileStore(config.uploadsDir).write(Buffer.from('%PDF-1.4 Alpha'), { contentType: 'application/pdf', extension: 'pdf' }), fileName: 'alpha.pdf', contentType: 'application/pdf', size: 14 });
  const appealA = db.select().from(appeals).where(eq(appeals.id, made.appeal.id)).get()!;

  // A supporter organisation of A that waits for approval (its :id in the supporter routes).
  const supporter = supportersRepository(db).insertOrganisation({
    appealId: appealA.id,
    organisationName: 'Alphaunterstützer e.V.',
    firstName: 'Ulla',
    lastName: 'Unterstützer',
    email: 'ulla@alpha-unterstuetzer.example',
    emailKey: 'a'.repeat(64),
    createdAt: new Date(),
  })!;
  supportersRepository(db).confirm(supporter.id, 'organisation', new Date());

  const brunoAppeal = makeAppeal(db, bruno.organiser.id, { title: 'Bündnis B Aufruf' });
  const brunoList = makeList(db, bruno.organiser.id, { name: 'Liste von B' });
  makeAddressee(db, brunoList, { lastName: 'Betalandrat' });

  const login = async (who: { organiser: { email: string }; password: string }) => {
    const agent = test.http();
    await loginAs(agent, { email: who.organiser.email, password: who.password });
    return { agent, token: csrfToken((await agent.get('/appeals').expect(200)).text) };
  };

  return {
    test,
    anna,
    vera,
    bruno,
    appeal: appealA,
    list: made.list,
    addressee: made.addressees[0]!,
    signatory: made.signatories[0]!.signatory,
    delivery,
    reply,
    replyFile,
    mail,
    supporter,
    invitation,
    annaSession: hashToken(startSession({ db, clock: systemClock, organiserId: anna.organiser.id })).slice(0, 16),
    brunoAppeal,
    brunoList,
    login,
    /** Words of A that must never appear on a page for B. */
    secrets: ['Geheimsache Bündnis A', 'Koalition Alpha', made.list.name, 'Alphalandrat', 'landrat@alpha.example', 'Alphaverein', 'anna@buendnis-a.example', 'vera@buendnis-a.example', 'Alphaunterstützer e.V.', 'ulla@alpha-unterstuetzer.example', 'neu@buendnis-a.example', 'Antwort an Alpha'],
  };
}

/** The URL of a route with A's objects in its params (or `slug` of another appeal). */
function concrete(route: { method: string; url: string }, world: World, { slug = world.appeal.slug }: { slug?: string } = {}): string {
  const byName: Record<string, string> = {
    slug,
    listId: String(world.list.id),
    organiserId: String(world.anna.organiser.id),
    mailId: String(world.mail.id),
    index: '0',
    importId: 'A'.repeat(43),
    appealId: String(world.appeal.id),
    invitationId: String(world.invitation.id),
    // One of Anna's sessions, named as her account page names it.
    sessionId: world.annaSession,
    // Public routes (CSRF pass only): links and codes of nobody.
    token: 'x'.repeat(43),
    code: 'ABCD-EFGH',
    file: `${'0'.repeat(32)}.png`,
  };
  return route.url.replace(/:(\w+)/g, (_, name: string) => {
    if (name === 'id') {
      if (/\/(signatories|signing)\/:id/.test(route.url)) return String(world.signatory.id);
      if (/\/addressees\/:id/.test(route.url)) return String(world.addressee.id);
      if (/\/deliveries\/:id/.test(route.url)) return String(world.delivery.id);
      if (/\/supporters\/:id/.test(route.url)) return String(world.supporter.id);
      if (/\/replies\/answers\/:id/.test(route.url)) return String(world.reply.id);
      if (/\/replies\/files\/:id/.test(route.url)) return String(world.replyFile.id);
    }
    const value = byName[name];
    if (value === undefined) throw new Error(`The tenancy matrix has no value for :${name} in ${route.method} ${route.url}; add one.`);
    return value;
  });
}

const key = (route: { method: string; url: string }) => `${route.method} ${route.url}`;

function send(agent: Agent, method: string, url: string, token?: string) {
  if (method === 'GET') return agent.get(url);
  const body: Record<string, string> = { title: 'Übernahme', email: 'angreifer@example.net', listId: '1' };
  if (token !== undefined) body._csrf = token;
  return agent.post(url).type('form').send(body);
}

/** What A has, counted: nothing of it may change while the matrix runs. */
function snapshot(world: World) {
  const { db } = world.test;
  return {
    appeal: db.select().from(appeals).where(eq(appeals.id, world.appeal.id)).get(),
    addressees: db.select().from(addressees).where(eq(addressees.listId, world.list.id)).all(),
    outbox: db.select({ value: count() }).from(mailOutbox).get()!.value,
    supporter: db.select().from(supporters).where(eq(supporters.id, world.supporter.id)).get(),
  };
}

/** A fresh world per test (the test app is closed after each test). */
async function setup() {
  const world = await buildWorld();
  const routes = world.test.app.routeTable.map(({ method, url }) => ({ method, url }));
  const organiserRoutes = routes.filter((route) => !publicRoutes.has(key(route)));
  return { world, routes, organiserRoutes, before: snapshot(world) };
}

describe('tenancy matrix (from the route table)', () => {

  it('lists every public route explicitly; every other route sends an anonymous visitor to the login', async () => {
    const { world, routes, organiserRoutes } = await setup();
    for (const name of publicRoutes) expect(routes.map(key)).toContain(name);
    const anonymous = world.test.http();
    for (const route of organiserRoutes.filter((candidate) => !sessionEnding.has(key(candidate)))) {
      const response = await send(anonymous, route.method, concrete(route, world));
      // A POST outside the organiser area (e.g. /account/password) may be refused by its CSRF check first.
      const refused = route.method === 'POST' && response.status === 403;
      const toLogin = response.status === 303 && response.headers.location?.split('?')[0] === '/login';
      expect({ route: key(route), status: response.status, refusedOrLogin: refused || toLogin }).toMatchObject({ route: key(route), refusedOrLogin: true });
    }
  });

  it('an organiser of another coalition gets 404 on every route with A\'s slug, list, entry, signatory, delivery or mail', async () => {
    const { world, organiserRoutes, before } = await setup();
    const { agent, token } = await world.login(world.bruno);
    const withParams = organiserRoutes.filter((route) => route.url.includes(':'));
    expect(withParams.length).toBeGreaterThan(60);
    for (const route of withParams) {
      const response = await send(agent, route.method, concrete(route, world), token);
      expect({ route: key(route), status: response.status }).toEqual({ route: key(route), status: 404 });
      for (const secret of world.secrets) expect({ route: key(route), leaks: response.text.includes(secret) }).toEqual({ route: key(route), leaks: false });
    }
    // Pages without params (his own overview, lists, mail, outbox, account) show none of A.
    for (const route of organiserRoutes.filter((candidate) => !candidate.url.includes(':') && !sessionEnding.has(key(candidate)))) {
      const response = await send(agent, route.method, route.url, token);
      expect({ route: key(route), serverError: response.status >= 500 }).toEqual({ route: key(route), serverError: false });
      for (const secret of world.secrets) expect({ route: key(route), secret, leaks: response.text.includes(secret) }).toEqual({ route: key(route), secret, leaks: false });
    }
    expect(snapshot(world)).toEqual(before);
  });

  it('with his own appeal\'s slug and A\'s ids (URL guessing) he reaches nothing of A either', async () => {
    const { world, organiserRoutes, before } = await setup();
    const { agent, token } = await world.login(world.bruno);
    const appealRoutes = organiserRoutes.filter((route) => route.url.startsWith('/appeals/:slug/') && /:(?!slug)\w+/.test(route.url));
    expect(appealRoutes.length).toBeGreaterThan(10);
    for (const route of appealRoutes) {
      const response = await send(agent, route.method, concrete(route, world, { slug: world.brunoAppeal.slug }), token);
      // GETs of A's objects: not found. POSTs: not found, or refused/ignored for his own appeal's state.
      if (route.method === 'GET') expect({ route: key(route), status: response.status }).toEqual({ route: key(route), status: 404 });
      else expect({ route: key(route), status: response.status, ok: [303, 404, 409, 422].includes(response.status) }).toMatchObject({ route: key(route), ok: true });
      for (const secret of world.secrets) expect({ route: key(route), secret, leaks: response.text.includes(secret) }).toEqual({ route: key(route), secret, leaks: false });
    }
    expect(snapshot(world)).toEqual(before);
    // The flash of a redirect names nothing of A either.
    const pages = await agent.get(`/appeals/${world.brunoAppeal.slug}/addressees`).expect(200);
    for (const secret of world.secrets) expect(pages.text).not.toContain(secret);
  });

  it('a viewer of A gets 403 on every POST under /appeals/:slug and /lists/:listId', async () => {
    const { world, organiserRoutes, before } = await setup();
    const { agent, token } = await world.login(world.vera);
    const posts = organiserRoutes.filter((route) => route.method === 'POST' && (route.url.startsWith('/appeals/:slug') || route.url.startsWith('/lists/:listId')));
    expect(posts.length).toBeGreaterThan(30);
    for (const route of posts) {
      const response = await send(agent, route.method, concrete(route, world), token);
      expect({ route: key(route), status: response.status }).toEqual({ route: key(route), status: 403 });
    }
    expect(snapshot(world)).toEqual(before);
  });

  it('every POST route refuses a missing, a wrong and another session\'s CSRF token (403)', async () => {
    const { world, routes, before } = await setup();
    const owner = await world.login(world.anna);
    const other = await world.login(world.bruno);
    const anonymous = world.test.http();
    const anonymousToken = csrfToken((await anonymous.get('/login').expect(200)).text);
    const posts = routes.filter((route) => route.method === 'POST');
    expect(posts.length).toBeGreaterThan(40);
    for (const route of posts) {
      // Organiser routes as A's owner (she may do everything but the token); public ones anonymously.
      const agent = publicRoutes.has(key(route)) ? anonymous : owner.agent;
      const url = concrete(route, world);
      for (const [variant, token] of [
        ['missing', undefined],
        ['empty', ''],
        ['wrong', 'falsch'],
        ['forged', `${anonymousToken.slice(0, -4)}AAAA`],
        ['another session', other.token],
      ] as const) {
        const response = await send(agent, 'POST', url, token);
        expect({ route: key(route), variant, status: response.status }).toEqual({ route: key(route), variant, status: 403 });
      }
      // Another session's token in the header instead of the form.
      const header = await agent.post(url).set('x-csrf-token', other.token).type('form').send({ title: 'Übernahme' });
      expect({ route: key(route), variant: 'header', status: header.status }).toEqual({ route: key(route), variant: 'header', status: 403 });
    }
    expect(snapshot(world)).toEqual(before);
    // The owner is still logged in: logging out without a token was refused too.
    await owner.agent.get('/appeals').expect(200);
  });

  it('logging out needs the session\'s token and ends only that session', async () => {
    const { world } = await setup();
    const bruno = await world.login(world.bruno);
    const anna = await world.login(world.anna);
    expect((await send(bruno.agent, 'POST', '/logout', anna.token)).status).toBe(403);
    await bruno.agent.get('/appeals').expect(200);
    expect((await send(bruno.agent, 'POST', '/logout', bruno.token)).status).toBe(303);
    expect((await bruno.agent.get('/appeals')).status).toBe(303);
    await anna.agent.get('/appeals').expect(200);
  });
});
