import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { Role } from './appeals.table.ts';
import { teamInvitations } from './team-invitations.table.ts';
import type { TeamInvitation } from './team-invitations.table.ts';

const pending = (now: Date) => and(isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt), gt(teamInvitations.expiresAt, now));

export function teamInvitationsRepository(db: Db) {
  return {
    insert(values: { appealId: number; email: string; role: Role; tokenHash: string; invitedBy: number; createdAt: Date; expiresAt: Date }): TeamInvitation {
      return db.insert(teamInvitations).values(values).returning().get();
    },
    findById(id: number): TeamInvitation | undefined {
      return db.select().from(teamInvitations).where(eq(teamInvitations.id, id)).get();
    },
    findByTokenHash(tokenHash: string): TeamInvitation | undefined {
      return db.select().from(teamInvitations).where(eq(teamInvitations.tokenHash, tokenHash)).get();
    },
    listPending(appealId: number, now: Date): TeamInvitation[] {
      return db.select().from(teamInvitations).where(and(eq(teamInvitations.appealId, appealId), pending(now))).orderBy(asc(teamInvitations.createdAt)).all();
    },
    /** Every invitation still open for an address, on any appeal (all are honoured when the account is made). */
    listPendingForEmail(email: string, now: Date): TeamInvitation[] {
      return db.select().from(teamInvitations).where(and(eq(teamInvitations.email, email), pending(now))).all();
    },
    /** A second invitation to the same address replaces the first. */
    revokeOpen(appealId: number, email: string, now: Date): void {
      db.update(teamInvitations)
        .set({ revokedAt: now })
        .where(and(eq(teamInvitations.appealId, appealId), eq(teamInvitations.email, email), isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt)))
        .run();
    },
    /** Withdraws one invitation of this appeal (false: not found there, or no longer open). */
    revoke(appealId: number, id: number, now: Date): boolean {
      return (
        db
          .update(teamInvitations)
          .set({ revokedAt: now })
          .where(and(eq(teamInvitations.id, id), eq(teamInvitations.appealId, appealId), isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt)))
          .run().changes === 1
      );
    },
    /** Marks an invitation accepted, once (false: it was accepted or withdrawn meanwhile). */
    accept(id: number, now: Date): boolean {
      return (
        db
          .update(teamInvitations)
          .set({ acceptedAt: now })
          .where(and(eq(teamInvitations.id, id), isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt)))
          .run().changes === 1
      );
    },
  };
}
