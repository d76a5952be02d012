import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { Role } from './appeals.table.ts';
import { teamInvitations } from './team-invitations.table.ts';
import type { TeamInvitation } from './team-invitations.table.ts';

const pending = (now: Date) => and(isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt), gt(teamInvitations.expiresAt, now));

const ofAppeal = (appealId: number | null): SQL => (appealId === null ? isNull(teamInvitations.appealId) : eq(teamInvitations.appealId, appealId));

export function teamInvitationsRepository(db: Db) {
  return {
    insert(values: { appealId: number | null; email: string; role: Role; tokenHash: string; invitedBy: number; createdAt: Date; expiresAt: Date }): TeamInvitation {
      return db.insert(teamInvitations).values(values).returning().get();
    },
    findById(id: number): TeamInvitation | undefined {
      return db.select().from(teamInvitations).where(eq(teamInvitations.id, id)).get();
    },
    findByTokenHash(tokenHash: string): TeamInvitation | undefined {
      return db.select().from(teamInvitations).where(eq(teamInvitations.tokenHash, tokenHash)).get();
    },
    /** Open invitations of an appeal, or (null) the operator's invitations to the installation. */
    listPending(appealId: number | null, now: Date): TeamInvitation[] {
      return db.select().from(teamInvitations).where(and(ofAppeal(appealId), pending(now))).orderBy(asc(teamInvitations.createdAt)).all();
    },
    /** Every invitation still open for an address, on any appeal (all are honoured when the account is made). */
    listPendingForEmail(email: string, now: Date): TeamInvitation[] {
      return db.select().from(teamInvitations).where(and(eq(teamInvitations.email, email), pending(now))).all();
    },
    /** A second invitation to the same address replaces the first. */
    revokeOpen(appealId: number | null, email: string, now: Date): void {
      db.update(teamInvitations)
        .set({ revokedAt: now })
        .where(and(ofAppeal(appealId), eq(teamInvitations.email, email), isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt)))
        .run();
    },
    /** Withdraws one invitation of this appeal (false: not found there, or no longer open). */
    revoke(appealId: number | null, id: number, now: Date): boolean {
      return (
        db
          .update(teamInvitations)
          .set({ revokedAt: now })
          .where(and(eq(teamInvitations.id, id), ofAppeal(appealId), isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt)))
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
