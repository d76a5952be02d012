import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { runMitzeichnen } from '../helpers/cli.ts';
import { fileDatabaseWithFinalAppeal } from '../helpers/dispatch.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { deliveries } from '../../server/dispatch/dispatch.table.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';

describe('mitzeichnen send', () => {
  it('--dry-run prints what would go where and sends nothing', async () => {
    const s = await fileDatabaseWithFinalAppeal(3, { addressees: [{ institution: 'Stadt Kleve', email: 'stadt@kleve.example' }, { institution: 'Gemeinde Kerken', email: '' }, { institution: 'Gemeinde Uedem', email: 'kaputt.example' }] });
    const run = await runMitzeichnen(['send', '--appeal', s.appeal.slug, '--dry-run'], { env: s.env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('<stadt@kleve.example>');
    expect(run.stdout).toMatch(/post\s+Gemeinde Kerken.*by post:/);
    expect(run.stdout).toContain('SKIPPED, invalid e-mail address "kaputt.example"');
    expect(run.stdout).toContain(`Subject:  ${s.appeal.title} (AWO, Caritas und DGB)`);
    expect(run.stdout).toContain('1 by e-mail, 1 by post, 1 skipped');
    expect(s.db.select().from(deliveries).all()).toHaveLength(0);
    expect(s.sink.received).toHaveLength(0);
  });

  it('sends a final appeal, prints progress and a summary; a second run sends nothing twice', async () => {
    const s = await fileDatabaseWithFinalAppeal(5);
    const run = await runMitzeichnen(['send', '--appeal', s.appeal.slug], { env: s.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Dispatch started: 5 by e-mail, 0 by post, 0 skipped');
    expect(run.stdout).toMatch(/Done in [\d.]+ s: sent 5, waiting 0/);
    expect(run.stdout).toContain('is now marked as sent');
    // Five letters, then the thanks with the final letter to the three first signatories.
    const isThanks = (mail: (typeof s.sink.received)[number]) => (mail.parsed.subject ?? '').startsWith('Verschickt – vielen Dank');
    expect(s.sink.received.filter((mail) => !isThanks(mail))).toHaveLength(5);
    expect(s.sink.received.filter(isThanks)).toHaveLength(3);
    expect(s.db.select().from(appeals).where(eq(appeals.id, s.appeal.id)).get()!.state).toBe('sent');
    const again = await runMitzeichnen(['send', '--appeal', s.appeal.slug], { env: s.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Continuing the dispatch');
    expect(s.sink.received).toHaveLength(8);
  });

  it('refuses an appeal that is not final, and an unknown slug', async () => {
    const s = await fileDatabaseWithFinalAppeal(1);
    s.db.update(appeals).set({ state: 'signing' }).where(eq(appeals.id, s.appeal.id)).run();
    const run = await runMitzeichnen(['send', '--appeal', s.appeal.slug], { env: s.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not final (state: signing)');
    expect(s.db.select().from(mailOutbox).all()).toHaveLength(0);
    const unknown = await runMitzeichnen(['send', '--appeal', 'gibt-es-nicht'], { env: s.env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No appeal with the slug "gibt-es-nicht"');
  });

  it('stops with a message when the mail server is down (exit code 3) and continues on the next run', async () => {
    const s = await fileDatabaseWithFinalAppeal(2);
    await s.sink.stop();
    const run = await runMitzeichnen(['send', '--appeal', s.appeal.slug], { env: s.env });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('Paused: Der Mailserver ist nicht erreichbar');
    await s.sink.restart();
    // The pause lasts a minute; an operator who knows the server is back clears it by running again later.
    s.sqlite.prepare('update mail_worker_state set paused_until = 0').run();
    const again = await runMitzeichnen(['send', '--appeal', s.appeal.slug], { env: s.env });
    expect(again.code).toBe(0);
    // Two letters and the thanks to the three first signatories.
    expect(s.sink.received).toHaveLength(5);
  });
});
