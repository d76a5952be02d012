import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { organisers } from '../organisers/organisers.table.ts';
import { appeals, memberships } from './appeals.table.ts';

/** Reads for the operator's page (no writes: appealsRepository stays the writer of these tables). */
export function adminRepository(db: Db) {
  return {
    /** Every appeal with the facts the operator sees: no text, no lists, no signatories. */
    listAppeals() {
      return db
        .select({ id: appeals.id, slug: appeals.slug, title: appeals.title, coalitionName: appeals.coalitionName, state: appeals.state, createdAt: appeals.createdAt })
        .from(appeals)
        .orderBy(asc(appeals.coalitionName), asc(appeals.title))
        .all();
    },
    listOwners() {
      return db
        .select({ appealId: memberships.appealId, name: organisers.name, email: organisers.email })
        .from(memberships)
        .innerJoin(organisers, eq(memberships.organiserId, organisers.id))
        .where(eq(memberships.role, 'owner'))
        .orderBy(asc(organisers.name))
        .all();
    },
    appealIdsOf(organiserId: number): number[] {
      return db.select({ appealId: memberships.appealId }).from(memberships).where(and(eq(memberships.organiserId, organiserId))).all().map((row) => row.appealId);
    },
  };
}
