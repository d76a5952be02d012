import { asc, desc, eq } from 'drizzle-orm';
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
    list(appealId: number): AuditEvent[] {
      return db.select().from(auditEvents).where(eq(auditEvents.appealId, appealId)).orderBy(asc(auditEvents.id)).all();
    },
  };
}
