import { and, asc, eq, max, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { preparedStatements } from '../db/prepared.ts';
import { organisations, signatories } from './signatories.table.ts';
import type { Organisation, Signatory, SignatoryTier } from './signatories.table.ts';

export type SignatoryWithOrganisation = { signatory: Signatory; organisation: Organisation };

type OrganisationValues = { name: string; shortName: string; website: string; address: string };
type RepresentativeValues = { representativeName: string; representativeFunction: string; representativeEmail: string };

// The list every appeal page, signing page and /v/<code> shows, prepared once per connection
// (one statement for all tiers, one for a tier).
const statements = preparedStatements((db) => {
  const list = (where: ReturnType<typeof eq>) =>
    db
      .select({ signatory: signatories, organisation: organisations })
      .from(signatories)
      .innerJoin(organisations, eq(organisations.id, signatories.organisationId))
      .where(where)
      .orderBy(asc(signatories.position), asc(signatories.id))
      .prepare();
  return {
    list: list(eq(signatories.appealId, sql.placeholder('appealId'))),
    listTier: list(and(eq(signatories.appealId, sql.placeholder('appealId')), eq(signatories.tier, sql.placeholder('tier')))!),
  };
});

export function signatoriesRepository(db: Db) {
  return {
    list(appealId: number, tier?: SignatoryTier): SignatoryWithOrganisation[] {
      return tier ? statements(db).listTier.all({ appealId, tier }) : statements(db).list.all({ appealId });
    },
    find(appealId: number, signatoryId: number): SignatoryWithOrganisation | undefined {
      return db
        .select({ signatory: signatories, organisation: organisations })
        .from(signatories)
        .innerJoin(organisations, eq(organisations.id, signatories.organisationId))
        .where(and(eq(signatories.appealId, appealId), eq(signatories.id, signatoryId)))
        .get();
    },
    nextPosition(appealId: number): number {
      const row = db.select({ value: max(signatories.position) }).from(signatories).where(eq(signatories.appealId, appealId)).get();
      return (row?.value ?? 0) + 1;
    },
    insert(values: {
      appealId: number;
      organisation: OrganisationValues & { logoFile: string | null };
      representative: RepresentativeValues;
      tier: SignatoryTier;
      position: number;
      now: Date;
    }): SignatoryWithOrganisation {
      const organisation = db
        .insert(organisations)
        .values({ appealId: values.appealId, ...values.organisation, createdAt: values.now })
        .returning()
        .get();
      const signatory = db
        .insert(signatories)
        .values({
          appealId: values.appealId,
          organisationId: organisation.id,
          ...values.representative,
          tier: values.tier,
          position: values.position,
          createdAt: values.now,
        })
        .returning()
        .get();
      return { signatory, organisation };
    },
    updateOrganisation(organisationId: number, values: Partial<OrganisationValues & { logoFile: string | null }>): void {
      db.update(organisations).set(values).where(eq(organisations.id, organisationId)).run();
    },
    updateRepresentative(signatoryId: number, values: RepresentativeValues): void {
      db.update(signatories).set(values).where(eq(signatories.id, signatoryId)).run();
    },
    setPosition(signatoryId: number, position: number): void {
      db.update(signatories).set({ position }).where(eq(signatories.id, signatoryId)).run();
    },
    /** Removes the signatory together with its organisation (they belong to this appeal only). */
    delete(organisationId: number): void {
      db.delete(organisations).where(eq(organisations.id, organisationId)).run();
    },
  };
}
