// A write the server acknowledged with its 303 is on disk: the server process is killed with
// SIGKILL right after each answer, started again, and the write is read back from the database
// file (synchronous=FULL, WAL). Slow group: it starts the real server ten times.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { appealFormFields, submitForm } from '../helpers/factories.ts';
import { csrfToken } from '../helpers/html.ts';
import { compiledServer } from '../helpers/compiled.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'mitzeichnen-kill-'));
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function start(port: number): Promise<void> {
  server = spawn(process.execPath, compiledServer, {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', BASE_URL: `http://127.0.0.1:${port}`, SEED_DEMO: 'false', LOG_LEVEL: 'silent', SESSION_SECRET: 'kill-test-secret-kill-test-secret-0123' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the server did not start');
}

/** SIGKILL right after the 303, then a new server process over the same data folder. */
async function killAndRestart(port: number): Promise<void> {
  const dying = server!;
  const exited = new Promise((resolve) => dying.once('exit', resolve));
  dying.kill('SIGKILL');
  await exited;
  await start(port);
}

const read = <T>(sql: string, ...params: unknown[]): T | undefined => {
  const db = new Database(join(dataDir, 'mitzeichnen.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get(...params) as T | undefined;
  } finally {
    db.close();
  }
};

describe('acknowledged writes survive kill -9', () => {
  it('keeps each of nine writes that answered 303, reading them back after a SIGKILL', async () => {
    const port = await freePort();
    await start(port);
    const browser = supertest.agent(`http://127.0.0.1:${port}`);
    const expect303 = (response: { status: number }) => expect(response.status).toBe(303);
    const password = 'Kreisverband-Kleve-2026!';

    // 1. The first organiser account, from the setup page.
    expect303(await submitForm(browser, '/setup', '/setup', { name: 'Andrea Beispiel', email: 'andrea@example.org', password, passwordRepeat: password }));
    await killAndRestart(port);
    expect(read<{ n: number }>('select count(*) as n from organisers where email = ?', 'andrea@example.org')!.n).toBe(1);

    // 2. Logging out ends the session the setup started; then logging in again starts one.
    const sessions = () => read<{ n: number }>('select count(*) as n from sessions')!.n;
    expect(sessions()).toBe(1);
    expect303(await submitForm(browser, '/appeals', '/logout', {}));
    await killAndRestart(port);
    expect(sessions()).toBe(0);
    const loginPage = await browser.get('/login');
    expect303(await browser.post('/login').type('form').send({ _csrf: csrfToken(loginPage.text), email: 'andrea@example.org', password, next: '/appeals' }));

    // 3. A new appeal.
    expect303(await submitForm(browser, '/appeals/new', '/appeals', appealFormFields({ title: 'Aufruf nach dem Absturz' })));
    await killAndRestart(port);
    const appeal = read<{ slug: string; title: string }>('select slug, title from appeals where title = ?', 'Aufruf nach dem Absturz');
    expect(appeal).toBeDefined();

    // 4. Its text edited.
    expect303(await submitForm(browser, `/appeals/${appeal!.slug}/edit`, `/appeals/${appeal!.slug}`, appealFormFields({ title: 'Aufruf nach dem Absturz', body: 'Zweite Fassung des Textes.' })));
    await killAndRestart(port);
    expect(read<{ body: string }>('select body from appeals where slug = ?', appeal!.slug)!.body).toBe('Zweite Fassung des Textes.');

    // 5. An address list.
    expect303(await submitForm(browser, '/lists/new', '/lists', { name: 'Bürgermeister:innen', rank: '50' }));
    await killAndRestart(port);
    const list = read<{ id: number }>('select id from addressee_lists where name = ?', 'Bürgermeister:innen');
    expect(list).toBeDefined();

    // 6. An entry in it.
    expect303(await submitForm(browser, `/lists/${list!.id}/addressees/new`, `/lists/${list!.id}/addressees`, { salutation: 'Frau', lastName: 'Nowak', institution: 'Stadt Goch', email: 'rathaus@goch.example' }));
    await killAndRestart(port);
    const entry = read<{ id: number }>('select id from addressees where last_name = ?', 'Nowak');
    expect(entry).toBeDefined();

    // 7. The entry marked as checked today.
    expect303(await submitForm(browser, `/lists/${list!.id}/addressees/${entry!.id}/edit`, `/lists/${list!.id}/addressees/${entry!.id}/verify`, {}));
    await killAndRestart(port);
    expect(read<{ verified: string | null }>('select verified_at as verified from addressees where id = ?', entry!.id)!.verified).toBeTruthy();

    // 8. A new password.
    const passwordHash = () => read<{ hash: string }>('select password_hash as hash from organisers where email = ?', 'andrea@example.org')!.hash;
    const oldHash = passwordHash();
    const newPassword = 'Neues-Kennwort-fuer-Kleve-2027';
    expect303(await submitForm(browser, '/account', '/account/password', { current: password, password: newPassword, passwordRepeat: newPassword }));
    await killAndRestart(port);
    expect(passwordHash()).not.toBe(oldHash);

    // 9. The draft appeal deleted.
    expect303(await submitForm(browser, `/appeals/${appeal!.slug}/delete`, `/appeals/${appeal!.slug}/delete`, { confirm: 'on' }));
    await killAndRestart(port);
    expect(read('select id from appeals where slug = ?', appeal!.slug)).toBeUndefined();
  }, 90_000); // nine kills and restarts of the compiled server: about 20 s on a quiet machine
});
