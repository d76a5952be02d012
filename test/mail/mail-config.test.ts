import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settingsDoc } from '../../server/config.ts';
import { tempDataDir } from '../helpers/app.ts';

const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: tempDataDir(), SESSION_SECRET: 'x'.repeat(40), ...env });

function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('mail settings', () => {
  it('without SMTP_URL mail goes to files in DATA_DIR/mail from a sensible default sender', () => {
    const config = load({ BASE_URL: 'https://mitzeichnen.example.org' });
    expect(config.mail.smtp).toBeUndefined();
    expect(config.mail.dir).toBe(join(config.dataDir, 'mail'));
    expect(config.mail.from).toEqual({ name: 'Mitzeichnen', address: 'mitzeichnen@mitzeichnen.example.org' });
    expect(load({}).mail.from.address).toBe('mitzeichnen@localhost.invalid');
    expect(config.mail.pool).toBe(3);
    expect(config.mail.ratePerSecond).toBe(0);
  });

  it('reads smtps:// and smtp:// URLs with encoded credentials', () => {
    const secure = load({ SMTP_URL: 'smtps://buendnis%40example.org:p%C3%A4ss%3Aw@mail.example.org' }).mail.smtp!;
    expect(secure).toMatchObject({ host: 'mail.example.org', port: 465, secure: true, auth: { user: 'buendnis@example.org', pass: 'päss:w' } });
    expect(secure.displayUrl).toBe('smtps://buendnis%40example.org@mail.example.org');
    const plain = load({ SMTP_URL: 'smtp://127.0.0.1:2525' }).mail.smtp!;
    expect(plain).toMatchObject({ host: '127.0.0.1', port: 2525, secure: false, auth: undefined });
    expect(load({ SMTP_URL: 'smtp://u:p@mail.example.org' }).mail.smtp!.port).toBe(587);
  });

  it('reports a bad SMTP_URL clearly and never shows the password', () => {
    const [http] = problems({ SMTP_URL: 'https://user:geheim@mail.example.org' });
    expect(http).toMatch(/^SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    expect(http).not.toContain('geheim');
    expect(problems({ SMTP_URL: 'mail.example.org' })[0]).toMatch(/^SMTP_URL must be a URL such as smtps:\/\//);
    expect(problems({ SMTP_URL: 'smtp://user@mail.example.org' })[0]).toMatch(/user name but no password/);
  });

  it('reads MAIL_FROM with and without display name and rejects anything else', () => {
    expect(load({ MAIL_FROM: 'Aktionsbündnis Kleve <buendnis@example.org>' }).mail.from).toEqual({ name: 'Aktionsbündnis Kleve', address: 'buendnis@example.org' });
    expect(load({ MAIL_FROM: '"Bündnis, Kleve" <b@example.org>' }).mail.from).toEqual({ name: 'Bündnis, Kleve', address: 'b@example.org' });
    expect(load({ MAIL_FROM: 'b@example.org' }).mail.from).toEqual({ name: '', address: 'b@example.org' });
    expect(problems({ MAIL_FROM: 'Bündnis' })[0]).toMatch(/^MAIL_FROM must be an address or "Name <address>"/);
  });

  it('checks SMTP_POOL, SMTP_RATE_PER_SECOND and that DKIM comes complete with a readable key', () => {
    expect(problems({ SMTP_POOL: '0' })[0]).toBe('SMTP_POOL must be a whole number between 1 and 50 (got "0").');
    expect(problems({ SMTP_RATE_PER_SECOND: 'viele' })[0]).toMatch(/^SMTP_RATE_PER_SECOND must be a whole number/);
    expect(problems({ DKIM_DOMAIN: 'example.org' })[0]).toMatch(/DKIM needs all three settings/);
    expect(problems({ DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 'mz', DKIM_PRIVATE_KEY_FILE: '/nonexistent/key.pem' })[0]).toMatch(/cannot be read/);
    const dir = mkdtempSync(join(tmpdir(), 'dkim-'));
    writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n');
    const dkim = load({ DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 'mz', DKIM_PRIVATE_KEY_FILE: join(dir, 'key.pem') }).mail.dkim;
    expect(dkim).toMatchObject({ domainName: 'example.org', keySelector: 'mz' });
  });

  it('documents every mail setting', () => {
    const names = settingsDoc.map((setting) => setting.name);
    for (const name of ['SMTP_URL', 'MAIL_FROM', 'DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY_FILE', 'SMTP_POOL', 'SMTP_RATE_PER_SECOND']) {
      expect(names).toContain(name);
    }
  });
});
