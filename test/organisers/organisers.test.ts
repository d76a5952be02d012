import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { loginAs, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { csrfToken, fieldError, fieldValue, pageText } from '../helpers/html.ts';

describe('first run', () => {
  it('sends a fresh installation to the setup page and logs the first organiser in', async () => {
    const { http } = await buildTestApp();
    const browser = http();
    await browser.get('/').expect(303).expect('location', '/setup');

    const created = await submitForm(browser, '/setup', '/setup', {
      name: 'Andrea Beispiel',
      email: 'andrea@example.org',
      password: 'ein-langes-passwort',
      passwordRepeat: 'ein-langes-passwort',
    });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/appeals');
    await browser.get('/appeals').expect(200);
    const account = await browser.get('/account').expect(200);
    expect(pageText(account.text)).toContain('Andrea Beispiel');

    // Once someone exists, setup is closed for everybody else.
    await http().get('/setup').expect(303).expect('location', '/login');
  });

  it('re-renders setup with the input and a German message when the password is too short', async () => {
    const { http } = await buildTestApp();
    const response = await submitForm(http(), '/setup', '/setup', {
      name: 'Andrea Beispiel',
      email: 'andrea@example.org',
      password: 'kurz',
      passwordRepeat: 'kurz',
    });
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'password')).toMatch(/mindestens/i);
    expect(response.text).toContain('andrea@example.org');
  });
});

describe('login and logout', () => {
  it('logs in with the right password and issues a fresh session cookie', async () => {
    const { http, db } = await buildTestApp();
    const { organiser, password } = await makeOrganiser(db);
    const browser = http();
    const page = await browser.get('/login').expect(200);
    const response = await browser
      .post('/login')
      .type('form')
      .send({ _csrf: csrfToken(page.text), email: organiser.email, password, next: '/appeals' })
      .expect(303);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/mz_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    await browser.get('/appeals').expect(200);
  });

  it('marks the session cookie Secure when BASE_URL is https', async () => {
    const { http, db } = await buildTestApp({ env: { BASE_URL: 'https://mitzeichnen.example.org' } });
    const { organiser, password } = await makeOrganiser(db);
    // supertest speaks plain http and would drop Secure cookies, so the cookie is carried by hand.
    const page = await http().get('/login').expect(200);
    const csrfCookie = String(page.headers['set-cookie']).split(';')[0]!;
    const response = await http()
      .post('/login')
      .set('cookie', csrfCookie)
      .type('form')
      .send({ _csrf: csrfToken(page.text), email: organiser.email, password })
      .expect(303);
    expect(String(response.headers['set-cookie'])).toMatch(/__Host-mz_session=[^;]+;.*Secure/i);
  });

  it('refuses a wrong password with a German message and keeps the e-mail address', async () => {
    const { http, db } = await buildTestApp();
    const { organiser } = await makeOrganiser(db);
    const browser = http();
    const page = await browser.get('/login');
    const response = await browser
      .post('/login')
      .type('form')
      .send({ _csrf: csrfToken(page.text), email: organiser.email, password: 'falsch-falsch-falsch' });
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'email')).toBe('E-Mail-Adresse oder Passwort stimmen nicht. Bitte prüfen Sie Ihre Eingabe.');
    expect(response.text).toContain(organiser.email);
    await browser.get('/appeals').expect(303).expect('location', '/login?next=%2Fappeals');
  });

  it('ends the session on the server at logout, so the old cookie is worthless', async () => {
    const { http, db } = await buildTestApp();
    const credentials = await makeOrganiser(db);
    const browser = http();
    const login = await loginAs(browser, { email: credentials.organiser.email, password: credentials.password });
    const sessionCookie = String(login.headers['set-cookie']).match(/mz_session=[^;]+/)![0];

    const appeals = await browser.get('/appeals').expect(200);
    await browser.post('/logout').type('form').send({ _csrf: csrfToken(appeals.text) }).expect(303);

    // A stolen copy of the cookie no longer opens anything.
    await http().get('/appeals').set('cookie', sessionCookie).expect(303);
  });

  it('limits login attempts per address and answers in German', async () => {
    const { http, db } = await buildTestApp();
    const { organiser } = await makeOrganiser(db);
    const browser = http();
    const page = await browser.get('/login');
    const token = csrfToken(page.text);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      const response = await browser.post('/login').type('form').send({ _csrf: token, email: organiser.email, password: 'falsch' });
      statuses.push(response.status);
      if (response.status === 429) expect(pageText(response.text)).toMatch(/zu viele/i);
    }
    expect(statuses.slice(0, 10).every((status) => status === 422)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('refuses a form posted without or with a foreign CSRF token and stores nothing', async () => {
    const { http, db } = await buildTestApp();
    const credentials = await makeOrganiser(db);
    const browser = http();
    await loginAs(browser, { email: credentials.organiser.email, password: credentials.password });

    const missing = await browser.post('/appeals').type('form').send({ title: 'Ohne Token' });
    expect(missing.status).toBe(403);
    expect(pageText(missing.text)).toContain('Formular abgelaufen');

    // A token taken from another visitor's session does not fit this session.
    const otherPage = await http().get('/login');
    const foreign = await browser.post('/appeals').type('form').send({ _csrf: csrfToken(otherPage.text), title: 'Fremdes Token' });
    expect(foreign.status).toBe(403);

    const list = await browser.get('/appeals');
    expect(list.text).not.toContain('Ohne Token');
    expect(list.text).not.toContain('Fremdes Token');
  });

  it('only follows local paths after login', async () => {
    const { http, db } = await buildTestApp();
    const { organiser, password } = await makeOrganiser(db);
    const browser = http();
    const page = await browser.get('/login');
    const response = await browser
      .post('/login')
      .type('form')
      .send({ _csrf: csrfToken(page.text), email: organiser.email, password, next: '//evil.example/phish' });
    expect(response.headers.location).toBe('/appeals');
  });
});

describe('own account', () => {
  it('changes the password only with the current one', async () => {
    const { http, db } = await buildTestApp();
    const { organiser, password } = await makeOrganiser(db);
    const browser = http();
    await loginAs(browser, { email: organiser.email, password });

    const wrong = await submitForm(browser, '/account', '/account/password', {
      current: 'nicht-das-passwort',
      password: 'neues-langes-passwort',
      passwordRepeat: 'neues-langes-passwort',
    });
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.text, 'current')).toBeTruthy();

    const changed = await submitForm(browser, '/account', '/account/password', {
      current: password,
      password: 'neues-langes-passwort',
      passwordRepeat: 'neues-langes-passwort',
    });
    expect(changed.status).toBe(303);
    await loginAs(http(), { email: organiser.email, password: 'neues-langes-passwort' });
  });
});

describe('password rules', () => {
  it('refuses passwords under 12 characters and common ones at the field, on setup and on the account page', async () => {
    const { http, db } = await buildTestApp();
    const setup = async (password: string) =>
      submitForm(http(), '/setup', '/setup', { name: 'Andrea Beispiel', email: 'andrea@example.org', password, passwordRepeat: password });

    const short = await setup('password12');
    expect(short.status).toBe(422);
    expect(fieldError(short.text, 'password')).toBe('Das Passwort ist zu kurz (mindestens 12 Zeichen).');
    for (const common of ['passwort1234', 'qwertzuiop123', 'Schmetterling1', 'andrea@example.org']) {
      const response = await setup(common);
      expect(response.status, common).toBe(422);
      expect(fieldError(response.text, 'password')).toMatch(/zu verbreitet/);
      // The password is never sent back into the form; the other fields are.
      expect(fieldValue(response.text, 'password') ?? '').toBe('');
      expect(response.text).toContain('Andrea Beispiel');
    }
    expect((await setup('Kleve hilft beim Ankommen')).status).toBe(303);

    const { organiser, password } = await makeOrganiser(db);
    const browser = http();
    await loginAs(browser, { email: organiser.email, password });
    const weak = await submitForm(browser, '/account', '/account/password', { current: password, password: 'hallo12345678', passwordRepeat: 'hallo12345678' });
    expect(weak.status).toBe(422);
    expect(fieldError(weak.text, 'password')).toMatch(/zu verbreitet/);
    await loginAs(http(), { email: organiser.email, password });
  });
});
