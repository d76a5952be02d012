import { and, asc, desc, eq, gt, inArray, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { auditEvents } from './audit.table.ts';
import type { AuditEvent } from './audit.table.ts';

export function auditRepository(db: Db) {
  return {
    lastHash(appealId: number): string | undefined {
      return db
        .select({ hash: auditEvents.hash })
        .from(auditEvents)
        .where(eq(auditEvents.appealId, appealId))
        .orderBy(desc(auditEvents.id))
        .limit(1)
        .get()?.hash;
    },
    insert(values: Omit<AuditEvent, 'id'>): AuditEvent {
      return db.insert(auditEvents).values(values).returning().get();
    },
    /** Events whose actor or detail mentions one of the texts (case-insensitive), oldest first. */
    mentioning(needles: string[], appealId?: number): AuditEvent[] {
      const mentions = or(...needles.flatMap((needle) => [sql`instr(lower(${auditEvents.actor}), lower(${needle})) > 0`, sql`instr(lower(${auditEvents.detail}), lower(${needle})) > 0`]));
      return db
        .select()
        .from(auditEvents)
        .where(appealId === undefined ? mentions : and(eq(auditEvents.appealId, appealId), mentions))
        .orderBy(asc(auditEvents.id))
        .all();
    },
    /** The events of the given actions on these appeals in (from, to], oldest first (the owners' daily digest). */
    listActions(appealIds: number[], actions: string[], from: Date, to: Date): AuditEvent[] {
      if (appealIds.length === 0) return [];
      return db
        .select()
        .from(auditEvents)
        .where(and(inArray(auditEvents.appealId, appealIds), inArray(auditEvents.action, actions), gt(auditEvents.at, from), lte(auditEvents.at, to)))
        .orderBy(asc(auditEvents.id))
        .all();
    },
    /** New personal text without its salt (the digest and the hashes stay), and no address. */
    pseudonymise(id: number, values: { actor: string; detail: string }): void {
      db.update(auditEvents).set({ ...values, personalSalt: '', ip: '', ipSalt: '' }).where(eq(auditEvents.id, id)).run();
    },
    removeIpsBefore(before: Date): number {
      return db
        .update(auditEvents)
        .set({ ip: '', ipSalt: '' })
        .where(and(lt(auditEvents.at, before), or(ne(auditEvents.ip, ''), ne(auditEvents.ipSalt, ''))))
        .run().changes;
    },
    list(appealId: number): AuditEvent[] {
      return db.select().from(auditEvents).where(eq(auditEvents.appealId, appealId)).orderBy(asc(auditEvents.id)).all();
    },
  };
}
