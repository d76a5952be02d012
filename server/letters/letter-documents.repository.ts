import { desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appeals } from '../appeals/appeals.table.ts';
import { letterDocuments } from './letter-documents.table.ts';
import type { LetterDocument, NewLetterDocument } from './letter-documents.table.ts';

export function letterDocumentsRepository(db: Db) {
  return {
    findByCode(code: string) {
      return db
        .select({ document: letterDocuments, appeal: { title: appeals.title, slug: appeals.slug, coalitionName: appeals.coalitionName } })
        .from(letterDocuments)
        .innerJoin(appeals, eq(appeals.id, letterDocuments.appealId))
        .where(eq(letterDocuments.code, code))
        .get();
    },
    codeExists(code: string): boolean {
      return db.select({ id: letterDocuments.id }).from(letterDocuments).where(eq(letterDocuments.code, code)).get() !== undefined;
    },
    findByInputKeys(keys: string[]): LetterDocument[] {
      const rows: LetterDocument[] = [];
      // SQLite limits bound parameters; look up in chunks.
      for (let i = 0; i < keys.length; i += 500) {
        rows.push(...db.select().from(letterDocuments).where(inArray(letterDocuments.inputKey, keys.slice(i, i + 500))).all());
      }
      return rows;
    },
    insertMany(values: NewLetterDocument[]): void {
      if (values.length === 0) return;
      db.transaction((tx) => {
        for (const value of values) tx.insert(letterDocuments).values(value).run();
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
      db.update(letterDocuments).set({ sentAt }).where(eq(letterDocuments.code, code)).run();
    },
  };
}
