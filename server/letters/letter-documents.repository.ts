import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { byColumns, placeholdersFor, preparedStatements } from '../db/prepared.ts';
import { appeals } from '../appeals/appeals.table.ts';
import { letterDocuments } from './letter-documents.table.ts';
import type { LetterDocument, NewLetterDocument } from './letter-documents.table.ts';

/** The queries of every letter issued and sent. */
const statements = preparedStatements((db) => ({
  findByCode: db
    .select({ document: letterDocuments, appeal: { title: appeals.title, slug: appeals.slug, coalitionName: appeals.coalitionName, state: appeals.state } })
    .from(letterDocuments)
    .innerJoin(appeals, eq(appeals.id, letterDocuments.appealId))
    .where(eq(letterDocuments.code, sql.placeholder('code')))
    .prepare(),
  codeExists: db.select({ id: letterDocuments.id }).from(letterDocuments).where(eq(letterDocuments.code, sql.placeholder('code'))).prepare(),
  findByInputKey: db.select().from(letterDocuments).where(eq(letterDocuments.inputKey, sql.placeholder('inputKey'))).prepare(),
  insert: byColumns((columns, nulls) => db.insert(letterDocuments).values(placeholdersFor(columns, nulls) as unknown as NewLetterDocument).prepare()),
  markSent: db.update(letterDocuments).set({ sentAt: sql`${sql.placeholder('sentAt')}` }).where(eq(letterDocuments.code, sql.placeholder('code'))).prepare(),
}));

export function letterDocumentsRepository(db: Db) {
  return {
    findByCode(code: string) {
      return statements(db).findByCode.get({ code });
    },
    codeExists(code: string): boolean {
      return statements(db).codeExists.get({ code }) !== undefined;
    },
    findByInputKeys(keys: string[]): LetterDocument[] {
      // One letter at a time while sending: the prepared lookup.
      if (keys.length === 1) return statements(db).findByInputKey.all({ inputKey: keys[0]! });
      const rows: LetterDocument[] = [];
      // SQLite limits bound parameters; look up in chunks.
      for (let i = 0; i < keys.length; i += 500) {
        rows.push(...db.select().from(letterDocuments).where(inArray(letterDocuments.inputKey, keys.slice(i, i + 500))).all());
      }
      return rows;
    },
    insertMany(values: NewLetterDocument[]): void {
      if (values.length === 0) return;
      // One row is one statement (atomic by itself); no savepoint inside the caller's transaction.
      if (values.length === 1) {
        statements(db).insert(values[0]!).run(values[0] as Record<string, unknown>);
        return;
      }
      db.transaction((tx) => {
        for (const value of values) statements(tx).insert(value).run(value as Record<string, unknown>);
      });
    },
    listForAppeal(appealId: number, limit = 50): LetterDocument[] {
      return db.select().from(letterDocuments).where(eq(letterDocuments.appealId, appealId)).orderBy(desc(letterDocuments.id)).limit(limit).all();
    },
    /** The row keeps its code and hash but is no longer reused for new renderings. */
    retireInputKey(id: number): void {
      db.update(letterDocuments).set({ inputKey: `retired:${id}` }).where(eq(letterDocuments.id, id)).run();
    },
    markSent(code: string, sentAt: Date): void {
      statements(db).markSent.run({ code, sentAt: sentAt.getTime() });
    },
  };
}
