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

describe('mailbox settings (IMAP_URL, IMAP_POLL_SECONDS)', () => {
  it('without IMAP_URL no mailbox is read', () => {
    expect(load({}).mailbox).toBeUndefined();
    expect(settingsDoc.map((setting) => setting.name)).toEqual(expect.arrayContaining(['IMAP_URL', 'IMAP_POLL_SECONDS']));
  });

  it('imaps:// is TLS on 993, imap:// 143 with STARTTLS when offered; the path names the folder; the password stays out of the display form', () => {
    expect(load({ IMAP_URL: 'imaps://buendnis%40example.org:ge%3Aheim@imap.example.org/INBOX' }).mailbox).toEqual({
      host: 'imap.example.org',
      port: 993,
      secure: true,
      auth: { user: 'buendnis@example.org', pass: 'ge:heim' },
      folder: 'INBOX',
      displayUrl: 'imaps://buendnis%40example.org@imap.example.org/INBOX',
      pollSeconds: 300,
    });
    const plain = load({ IMAP_URL: 'imap://user:pw@127.0.0.1:10143/Antworten%20Kreis', IMAP_POLL_SECONDS: '60' }).mailbox!;
    expect(plain).toMatchObject({ host: '127.0.0.1', port: 10143, secure: false, folder: 'Antworten Kreis', pollSeconds: 60 });
    expect(load({ IMAP_URL: 'imap://user:pw@imap.example.org' }).mailbox).toMatchObject({ port: 143, folder: 'INBOX' });
  });

  it('reports a wrong scheme, a missing password and a poll interval out of range, never showing the password', () => {
    expect(problems({ IMAP_URL: 'pop3://user:geheim@mail.example.org' }).join('\n')).toMatch(/IMAP_URL must start with imap:\/\/ or imaps:\/\/ \(got "pop3:\/\/user:\*\*\*@mail/);
    expect(problems({ IMAP_URL: 'pop3://user:geheim@mail.example.org' }).join('\n')).not.toContain('geheim');
    expect(problems({ IMAP_URL: 'imaps://user@imap.example.org' }).join('\n')).toMatch(/needs a server, a user name and a password/);
    expect(problems({ IMAP_POLL_SECONDS: '5' }).join('\n')).toMatch(/IMAP_POLL_SECONDS must be a whole number between 30 and 86400/);
  });
});
