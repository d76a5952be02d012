// Group commit: writes queued in one turn of the event loop share one commit, each in its own
// savepoint, and a caller hears of its write only once it is on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.ts';
import type { DatabaseConnection } from '../../server/db/client.ts';
import { inGroupCommit } from '../../server/db/commit-group.ts';

let dir: string;
let connection: DatabaseConnection;

function open() {
  dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-group-'));
  connection = openDatabase(join(dir, 'group.sqlite'));
  connection.sqlite.exec('create table notes (id integer primary key, text text not null unique)');
  return connection;
}

afterEach(() => {
  connection?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('writes of one turn share one commit; each caller gets its own result after it', async () => {
    const { db, sqlite } = open();
    const insert = sqlite.prepare('insert into notes (text) values (?)');
    // Count the outermost transactions, each of which is one commit.
    let commits = 0;
    const realTransaction = sqlite.transaction.bind(sqlite);
    (sqlite as unknown as { transaction: typeof sqlite.transaction }).transaction = ((fn: (...args: never[]) => unknown) => {
      const wrapped = realTransaction(fn);
      const count = (variant: () => unknown) => () => {
        const outer = !sqlite.inTransaction;
        const result = variant();
        if (outer) commits += 1;
        return result;
      };
      return Object.assign(count(wrapped), { immediate: count(wrapped.immediate), deferred: count(wrapped.deferred), exclusive: count(wrapped.exclusive) });
    }) as typeof sqlite.transaction;

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => inGroupCommit(db, () => Number(insert.run(`note ${i}`).lastInsertRowid))));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(commits).toBe(1);
    // A second connection sees every row: they are committed when the promises resolve.
    const reader = openDatabase(join(dir, 'group.sqlite'));
    expect(reader.sqlite.prepare('select count(*) as n from notes').get()).toEqual({ n: 20 });
    reader.close();
  });

  it('a failing write rolls back alone; the others of its group are kept', async () => {
    const { db, sqlite } = open();
    const insert = sqlite.prepare('insert into notes (text) values (?)');
    const outcomes = await Promise.allSettled([
      inGroupCommit(db, () => insert.run('eins')),
      inGroupCommit(db, () => {
        insert.run('zwei');
        insert.run('eins'); // unique: fails, and 'zwei' goes with it
      }),
      inGroupCommit(db, () => insert.run('drei')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(sqlite.prepare('select text from notes order by id').all()).toEqual([{ text: 'eins' }, { text: 'drei' }]);
  });
});
