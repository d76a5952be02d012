// The data changes of the tenancy migrations, run again on today's schema with rows as the
// app left them before: outbox rows without appeal, account or file; a slug that is a page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember } from '../../server/appeals/appeals.service.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { migrationsFolder } from '../../server/db/migrate.ts';
import { startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { buildTestApp } from '../helpers/app.ts';
import { makeAppeal, makeFinalAppeal, makeOrganiser } from '../helpers/factories.ts';

/** Runs the data statements (UPDATE) of a migration again; its schema changes are in place. */
function rerunMigration(sqlite: { exec(sql: string): unknown }, tag: string): void {
  const sql = readFileSync(join(migrationsFolder, `${tag}.sql`), 'utf8');
  for (const statement of sql.split('--> statement-breakpoint')) {
    if (/^\s*(--[^\n]*\n\s*)*UPDATE/.test(statement)) sqlite.exec(statement);
  }
}

describe('tenancy migrations', () => {
  it('0004 gives older outbox rows their appeal, the member\'s account and the stored file', async () => {
    const { db, sqlite, fileStore, config } = await buildTestApp();
    const { organiser } = await makeOrganiser(db);
    const colleague = await makeOrganiser(db, { email: 'kollegin@example.org' });
    const made = await makeFinalAppeal({ db, fileStore, config }, organiser.id);
    addMember({ db, clock: systemClock, appeal: made.appeal, input: { email: colleague.organiser.email, role: 'viewer' }, addedBy: 'Test' });
    expect(startDispatch({ db, clock: systemClock, appeal: made.appeal, actor: { organiserId: null, name: 'Test' } }).ok).toBe(true);
    const expected = db.select({ id: mailOutbox.id, kind: mailOutbox.kind, appealId: mailOutbox.appealId, organiserId: mailOutbox.organiserId }).from(mailOutbox).all();
    expect(new Set(expected.map((row) => row.kind))).toEqual(new Set(['signing-invitation', 'signing-confirmation', 'member-added', 'appeal-letter']));
    // As the app before this change left them.
    db.update(mailOutbox).set({ appealId: null, organiserId: null, storedFile: null }).run();
    db.update(mailOutbox).set({ smtpResponse: '250 stored as 20261122T100000-0123456789ab.eml' }).where(eq(mailOutbox.kind, 'member-added')).run();

    rerunMigration(sqlite, '0004_mail_scope');
    const after = db.select({ id: mailOutbox.id, kind: mailOutbox.kind, appealId: mailOutbox.appealId, organiserId: mailOutbox.organiserId }).from(mailOutbox).all();
    expect(after).toEqual(expected);
    expect(after.every((row) => row.appealId === made.appeal.id)).toBe(true);
    expect(after.find((row) => row.kind === 'member-added')!.organiserId).toBe(colleague.organiser.id);
    expect(db.select().from(mailOutbox).where(eq(mailOutbox.kind, 'member-added')).get()!.storedFile).toBe('20261122T100000-0123456789ab.eml');
  });

  it('0005 renames an appeal whose slug is a fixed page, and leaves the others alone', async () => {
    const { db, sqlite } = await buildTestApp();
    const { organiser } = await makeOrganiser(db);
    const stuck = makeAppeal(db, organiser.id, { title: 'Alt' });
    const taken = makeAppeal(db, organiser.id, { title: 'Aufruf Edit' });
    const stuckToo = makeAppeal(db, organiser.id, { title: 'Alt 2' });
    const fine = makeAppeal(db, organiser.id, { title: 'Gut' });
    db.update(appeals).set({ slug: 'new' }).where(eq(appeals.id, stuck.id)).run();
    db.update(appeals).set({ slug: 'edit' }).where(eq(appeals.id, stuckToo.id)).run();
    expect(taken.slug).toBe('aufruf-edit');
    rerunMigration(sqlite, '0005_reserved_slugs');
    const slugOf = (id: number) => db.select().from(appeals).where(eq(appeals.id, id)).get()!.slug;
    expect([slugOf(stuck.id), slugOf(stuckToo.id), slugOf(taken.id), slugOf(fine.id)]).toEqual(['aufruf-new', `aufruf-edit-${stuckToo.id}`, 'aufruf-edit', 'gut']);
  });
});
