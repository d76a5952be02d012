import { and, asc, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { preparedStatements } from '../db/prepared.ts';
import { organisers } from '../organisers/organisers.table.ts';
import { appeals, memberships } from './appeals.table.ts';
import type { Appeal, AppealState, NewAppeal, Role } from './appeals.table.ts';
import { nextState, requiredState } from './appeal-lifecycle.ts';
import type { AppealEvent } from './appeal-lifecycle.ts';

// The lookups of every appeal page and public page view, prepared once per connection.
const statements = preparedStatements((db) => ({
  findBySlug: db.select().from(appeals).where(eq(appeals.slug, sql.placeholder('slug'))).prepare(),
  findById: db.select().from(appeals).where(eq(appeals.id, sql.placeholder('id'))).prepare(),
  findWithRole: db
    .select({ appeal: appeals, role: memberships.role })
    .from(appeals)
    .innerJoin(memberships, and(eq(memberships.appealId, appeals.id), eq(memberships.organiserId, sql.placeholder('organiserId'))))
    .where(eq(appeals.slug, sql.placeholder('slug')))
    .prepare(),
  listMembers: db
    .select({ organiserId: organisers.id, name: organisers.name, email: organisers.email, role: memberships.role })
    .from(memberships)
    .innerJoin(organisers, eq(organisers.id, memberships.organiserId))
    .where(eq(memberships.appealId, sql.placeholder('appealId')))
    .orderBy(asc(organisers.name))
    .prepare(),
}));

export function appealsRepository(db: Db) {
  return {
    listForOrganiser(organiserId: number) {
      return db
        .select({ appeal: appeals, role: memberships.role })
        .from(appeals)
        .innerJoin(memberships, eq(memberships.appealId, appeals.id))
        .where(eq(memberships.organiserId, organiserId))
        .orderBy(desc(appeals.updatedAt))
        .all();
    },
    /** The owners of an appeal with their notification choice (active accounts only). */
    listOwners(appealId: number) {
      return db
        .select({ id: organisers.id, email: organisers.email, name: organisers.name, notifyMode: organisers.notifyMode })
        .from(memberships)
        .innerJoin(organisers, eq(organisers.id, memberships.organiserId))
        .where(and(eq(memberships.appealId, appealId), eq(memberships.role, 'owner'), isNull(organisers.disabledAt)))
        .all();
    },
    findBySlug(slug: string): Appeal | undefined {
      return statements(db).findBySlug.get({ slug });
    },
    findById(id: number): Appeal | undefined {
      return statements(db).findById.get({ id });
    },
    findWithRole(slug: string, organiserId: number) {
      return statements(db).findWithRole.get({ slug, organiserId });
    },
    slugExists(slug: string): boolean {
      return db.select({ id: appeals.id }).from(appeals).where(eq(appeals.slug, slug)).get() !== undefined;
    },
    insert(values: NewAppeal): Appeal {
      return db.insert(appeals).values(values).returning().get();
    },
    /**
     * The one writer of `appeals.state`: applies a lifecycle event if the appeal is still in
     * the state the event starts from (a conditional update, safe against a concurrent change).
     * Returns the updated appeal, or undefined when the event does not apply (anymore).
     */
    applyEvent(id: number, event: AppealEvent, now: Date, values: Partial<Pick<NewAppeal, 'signingDeadline'>> = {}): Appeal | undefined {
      const from: AppealState = requiredState(event);
      const to = nextState(from, event) as AppealState;
      return db
        .update(appeals)
        .set({ ...values, state: to, updatedAt: now })
        .where(and(eq(appeals.id, id), eq(appeals.state, from)))
        .returning()
        .get();
    },
    update(id: number, values: Partial<Omit<NewAppeal, 'state'>>): Appeal {
      return db.update(appeals).set(values).where(eq(appeals.id, id)).returning().get();
    },
    delete(id: number): void {
      db.delete(appeals).where(eq(appeals.id, id)).run();
    },
    listMembers(appealId: number) {
      return statements(db).listMembers.all({ appealId });
    },
    findMembership(appealId: number, organiserId: number) {
      return db
        .select()
        .from(memberships)
        .where(and(eq(memberships.appealId, appealId), eq(memberships.organiserId, organiserId)))
        .get();
    },
    insertMembership(values: { appealId: number; organiserId: number; role: Role; createdAt: Date }): void {
      db.insert(memberships).values(values).run();
    },
    updateMembershipRole(appealId: number, organiserId: number, role: Role): void {
      db.update(memberships)
        .set({ role })
        .where(and(eq(memberships.appealId, appealId), eq(memberships.organiserId, organiserId)))
        .run();
    },
    deleteMembership(appealId: number, organiserId: number): void {
      db.delete(memberships)
        .where(and(eq(memberships.appealId, appealId), eq(memberships.organiserId, organiserId)))
        .run();
    },
    countOwners(appealId: number): number {
      return (
        db.select({ value: count() }).from(memberships).where(and(eq(memberships.appealId, appealId), eq(memberships.role, 'owner'))).get()?.value ?? 0
      );
    },
  };
}
