import { and, count, eq, lt, ne } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { organisers, sessions } from './organisers.table.ts';
import type { Organiser } from './organisers.table.ts';

export function organisersRepository(db: Db) {
  return {
    count(): number {
      return db.select({ value: count() }).from(organisers).get()?.value ?? 0;
    },
    findByEmail(email: string): Organiser | undefined {
      return db.select().from(organisers).where(eq(organisers.email, email.toLowerCase())).get();
    },
    findById(id: number): Organiser | undefined {
      return db.select().from(organisers).where(eq(organisers.id, id)).get();
    },
    insert(values: { email: string; name: string; passwordHash: string; createdAt: Date }): Organiser {
      return db.insert(organisers).values(values).returning().get();
    },
    updatePassword(id: number, passwordHash: string): void {
      db.update(organisers).set({ passwordHash }).where(eq(organisers.id, id)).run();
    },
    insertSession(values: { tokenHash: string; organiserId: number; now: Date; expiresAt: Date }): void {
      db.insert(sessions)
        .values({
          tokenHash: values.tokenHash,
          organiserId: values.organiserId,
          createdAt: values.now,
          lastSeenAt: values.now,
          expiresAt: values.expiresAt,
        })
        .run();
    },
    findSessionWithOrganiser(tokenHash: string) {
      return db
        .select({ session: sessions, organiser: organisers })
        .from(sessions)
        .innerJoin(organisers, eq(sessions.organiserId, organisers.id))
        .where(eq(sessions.tokenHash, tokenHash))
        .get();
    },
    touchSession(tokenHash: string, now: Date): void {
      db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash)).run();
    },
    deleteSession(tokenHash: string): void {
      db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
    },
    deleteOtherSessions(organiserId: number, keepTokenHash: string): void {
      db.delete(sessions)
        .where(and(eq(sessions.organiserId, organiserId), ne(sessions.tokenHash, keepTokenHash)))
        .run();
    },
    deleteAllSessions(organiserId: number): void {
      db.delete(sessions).where(eq(sessions.organiserId, organiserId)).run();
    },
    deleteExpiredSessions(now: Date): void {
      db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
    },
  };
}
