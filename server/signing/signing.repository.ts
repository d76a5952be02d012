import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { preparedStatements } from '../db/prepared.ts';
import { appeals } from '../appeals/appeals.table.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { organisations, signatories } from '../signatories/signatories.table.ts';
import type { NewSignatory, Organisation, Signatory } from '../signatories/signatories.table.ts';
import { appealVersions, reminderClaims, signingLinks } from './signing.table.ts';
import type { AppealVersion, SigningLink, SigningLinkPurpose } from './signing.table.ts';

export type LinkContext = { link: SigningLink; signatory: Signatory; organisation: Organisation; appeal: Appeal };

// The lookups of every signing page view (GET /s/<token>), prepared once per connection.
const statements = preparedStatements((db) => ({
  latestVersion: db.select().from(appealVersions).where(eq(appealVersions.appealId, sql.placeholder('appealId'))).orderBy(desc(appealVersions.number)).limit(1).prepare(),
  version: db.select().from(appealVersions).where(eq(appealVersions.id, sql.placeholder('id'))).prepare(),
  findLink: db
    .select({ link: signingLinks, signatory: signatories, organisation: organisations, appeal: appeals })
    .from(signingLinks)
    .innerJoin(signatories, eq(signatories.id, signingLinks.signatoryId))
    .innerJoin(organisations, eq(organisations.id, signatories.organisationId))
    .innerJoin(appeals, eq(appeals.id, signatories.appealId))
    .where(eq(signingLinks.tokenHash, sql.placeholder('tokenHash')))
    .prepare(),
}));

/** Queries of co-signing: text versions, personal links, signature state and reminder slots. */
export function signingRepository(db: Db) {
  return {
    latestVersion(appealId: number): AppealVersion | undefined {
      return statements(db).latestVersion.get({ appealId });
    },
    version(id: number): AppealVersion | undefined {
      return statements(db).version.get({ id });
    },
    insertVersion(values: Omit<AppealVersion, 'id'>): AppealVersion {
      return db.insert(appealVersions).values(values).returning().get();
    },

    insertLink(values: Omit<SigningLink, 'id' | 'revokedAt'>): SigningLink {
      return db.insert(signingLinks).values(values).returning().get();
    },
    findLink(tokenHash: string): LinkContext | undefined {
      return statements(db).findLink.get({ tokenHash });
    },
    findSignatoryContext(signatoryId: number): Omit<LinkContext, 'link'> | undefined {
      return db
        .select({ signatory: signatories, organisation: organisations, appeal: appeals })
        .from(signatories)
        .innerJoin(organisations, eq(organisations.id, signatories.organisationId))
        .innerJoin(appeals, eq(appeals.id, signatories.appealId))
        .where(eq(signatories.id, signatoryId))
        .get();
    },
    /**
     * The newest unrevoked link of a purpose for each signatory of an appeal, in one query
     * (for the dashboard's "link expired").
     */
    currentLinks(appealId: number, purpose: SigningLinkPurpose): Map<number, SigningLink> {
      const rows = db
        .select({ link: signingLinks })
        .from(signingLinks)
        .innerJoin(signatories, eq(signatories.id, signingLinks.signatoryId))
        .where(and(eq(signatories.appealId, appealId), eq(signingLinks.purpose, purpose), isNull(signingLinks.revokedAt)))
        .orderBy(desc(signingLinks.id))
        .all();
      const newest = new Map<number, SigningLink>();
      for (const { link } of rows) if (!newest.has(link.signatoryId)) newest.set(link.signatoryId, link);
      return newest;
    },
    revokeLinks(signatoryId: number, purpose: SigningLinkPurpose, now: Date): number {
      return db
        .update(signingLinks)
        .set({ revokedAt: now })
        .where(and(eq(signingLinks.signatoryId, signatoryId), eq(signingLinks.purpose, purpose), isNull(signingLinks.revokedAt)))
        .run().changes;
    },

    updateSignatory(signatoryId: number, values: Partial<NewSignatory>): Signatory {
      return db.update(signatories).set(values).where(eq(signatories.id, signatoryId)).returning().get();
    },
    /** Claims one reminder slot; false when it was claimed before (by this or another process). */
    claimReminder(signatoryId: number, versionId: number, slot: number, now: Date): boolean {
      return db.insert(reminderClaims).values({ signatoryId, versionId, slot, claimedAt: now }).onConflictDoNothing().run().changes === 1;
    },
    remindersClaimed(signatoryId: number, versionId: number): number {
      return db
        .select()
        .from(reminderClaims)
        .where(and(eq(reminderClaims.signatoryId, signatoryId), eq(reminderClaims.versionId, versionId)))
        .all().length;
    },
    appealsInSigning(): Appeal[] {
      return db.select().from(appeals).where(eq(appeals.state, 'signing')).all();
    },
  };
}
