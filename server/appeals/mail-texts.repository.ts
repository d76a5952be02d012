import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { preparedStatements } from '../db/prepared.ts';
import { appealMailTexts } from './mail-texts.table.ts';
import type { AppealMailText, MailTextKind } from './mail-texts.table.ts';

/** The lookup of every letter mail (its cover text). */
const statements = preparedStatements((db) => ({
  find: db
    .select()
    .from(appealMailTexts)
    .where(and(eq(appealMailTexts.appealId, sql.placeholder('appealId')), eq(appealMailTexts.kind, sql.placeholder('kind'))))
    .prepare(),
}));

/** The only writer of appeal_mail_texts. */
export function mailTextsRepository(db: Db) {
  const key = (appealId: number, kind: MailTextKind) => and(eq(appealMailTexts.appealId, appealId), eq(appealMailTexts.kind, kind));
  return {
    find(appealId: number, kind: MailTextKind): AppealMailText | undefined {
      return statements(db).find.get({ appealId, kind });
    },
    listForAppeal(appealId: number): AppealMailText[] {
      return db.select().from(appealMailTexts).where(eq(appealMailTexts.appealId, appealId)).all();
    },
    save(values: { appealId: number; kind: MailTextKind; subject: string; body: string; updatedBy: number | null; updatedAt: Date }): void {
      db.insert(appealMailTexts)
        .values(values)
        .onConflictDoUpdate({ target: [appealMailTexts.appealId, appealMailTexts.kind], set: { subject: values.subject, body: values.body, updatedBy: values.updatedBy, updatedAt: values.updatedAt } })
        .run();
    },
    remove(appealId: number, kind: MailTextKind): void {
      db.delete(appealMailTexts).where(key(appealId, kind)).run();
    },
  };
}
