// Every query of the privacy functions: finding a person's rows in all domains, and changing
// them when their data is deleted. Reads across domains; nobody else imports it.
import { and, asc, eq, inArray, isNotNull, like, lt, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appeals, memberships } from '../appeals/appeals.table.ts';
import { addresseeLists, addressees, appealAddresseeLists } from '../addressees/addressees.table.ts';
import { organisations, signatories } from '../signatories/signatories.table.ts';
import type { Signatory } from '../signatories/signatories.table.ts';
import { appealVersions, signingLinks } from '../signing/signing.table.ts';
import { letterDocuments } from '../letters/letter-documents.table.ts';
import { deliveries, dispatches } from '../dispatch/dispatch.table.ts';
import { mailOutbox } from '../mail/mail.table.ts';
import type { OutboxRow } from '../mail/mail.table.ts';
import { organisers, sessions } from '../organisers/organisers.table.ts';

const lowerEmail = (column: typeof signatories.representativeEmail | typeof addressees.email | typeof mailOutbox.recipient) => sql`lower(trim(${column}))`;

/** Outbox states in which a message is still to be sent (or being sent). */
const pendingStates = ['queued', 'sending'] as const;

export function privacyRepository(db: Db) {
  return {
    // --- representatives ---
    signatoriesByEmail(email: string, appealId?: number) {
      const byEmail = eq(lowerEmail(signatories.representativeEmail), email);
      return db
        .select({ signatory: signatories, organisation: organisations, appeal: appeals })
        .from(signatories)
        .innerJoin(organisations, eq(organisations.id, signatories.organisationId))
        .innerJoin(appeals, eq(appeals.id, signatories.appealId))
        .where(appealId === undefined ? byEmail : and(byEmail, eq(signatories.appealId, appealId)))
        .orderBy(asc(signatories.id))
        .all();
    },
    signatoryOfAppeal(appealId: number, signatoryId: number) {
      return db
        .select({ signatory: signatories, organisation: organisations, appeal: appeals })
        .from(signatories)
        .innerJoin(organisations, eq(organisations.id, signatories.organisationId))
        .innerJoin(appeals, eq(appeals.id, signatories.appealId))
        .where(and(eq(signatories.appealId, appealId), eq(signatories.id, signatoryId)))
        .get();
    },
    version(versionId: number | null) {
      return versionId === null ? undefined : db.select({ number: appealVersions.number, hash: appealVersions.hash }).from(appealVersions).where(eq(appealVersions.id, versionId)).get();
    },
    linksOf(signatoryId: number) {
      return db
        .select({ purpose: signingLinks.purpose, createdAt: signingLinks.createdAt, expiresAt: signingLinks.expiresAt, revokedAt: signingLinks.revokedAt })
        .from(signingLinks)
        .where(eq(signingLinks.signatoryId, signatoryId))
        .orderBy(asc(signingLinks.id))
        .all();
    },
    pseudonymiseSignatory(signatoryId: number, pseudonym: string, status: Signatory['status']): void {
      db.update(signatories)
        .set({ status, representativeName: pseudonym, representativeFunction: '', representativeEmail: '', signatureFile: null, declineReason: '', consentPublic: false })
        .where(eq(signatories.id, signatoryId))
        .run();
      db.delete(signingLinks).where(eq(signingLinks.signatoryId, signatoryId)).run();
    },
    /** Issued documents of an appeal (their snapshot of the signatories, to replace a name). */
    documentsOfAppeal(appealId: number) {
      return db.select({ id: letterDocuments.id, signatories: letterDocuments.signatories }).from(letterDocuments).where(eq(letterDocuments.appealId, appealId)).all();
    },
    setDocumentSignatories(documentId: number, snapshot: string): void {
      db.update(letterDocuments).set({ signatories: snapshot }).where(eq(letterDocuments.id, documentId)).run();
    },

    // --- addressees ---
    addresseesByEmail(email: string) {
      return db
        .select({ addressee: addressees, list: addresseeLists })
        .from(addressees)
        .innerJoin(addresseeLists, eq(addresseeLists.id, addressees.listId))
        .where(eq(lowerEmail(addressees.email), email))
        .orderBy(asc(addressees.id))
        .all();
    },
    addresseeById(addresseeId: number) {
      return db.select({ addressee: addressees, list: addresseeLists }).from(addressees).innerJoin(addresseeLists, eq(addresseeLists.id, addressees.listId)).where(eq(addressees.id, addresseeId)).get();
    },
    /** Addressees in the lists of an appeal whose e-mail address or name contains the query. */
    searchAddresseesOfAppeal(appealId: number, query: string, limit: number) {
      const pattern = `%${query.replace(/[%_\\]/g, (char) => `\\${char}`)}%`;
      const matches = or(
        sql`${addressees.email} like ${pattern} escape '\\'`,
        sql`(${addressees.firstName} || ' ' || ${addressees.lastName}) like ${pattern} escape '\\'`,
        like(addressees.institution, pattern),
      );
      return db
        .select({ addressee: addressees, list: addresseeLists })
        .from(addressees)
        .innerJoin(addresseeLists, eq(addresseeLists.id, addressees.listId))
        .innerJoin(appealAddresseeLists, eq(appealAddresseeLists.listId, addressees.listId))
        .where(and(eq(appealAddresseeLists.appealId, appealId), matches))
        .orderBy(asc(addressees.lastName), asc(addressees.id))
        .limit(limit)
        .all();
    },
    addresseeOfAppeal(appealId: number, addresseeId: number) {
      return db
        .select({ addressee: addressees, list: addresseeLists })
        .from(addressees)
        .innerJoin(addresseeLists, eq(addresseeLists.id, addressees.listId))
        .innerJoin(appealAddresseeLists, eq(appealAddresseeLists.listId, addressees.listId))
        .where(and(eq(appealAddresseeLists.appealId, appealId), eq(addressees.id, addresseeId)))
        .get();
    },
    documentsOfAddressee(addresseeId: number, appealId?: number) {
      const of = eq(letterDocuments.addresseeId, addresseeId);
      return db
        .select({ document: letterDocuments, appealTitle: appeals.title })
        .from(letterDocuments)
        .innerJoin(appeals, eq(appeals.id, letterDocuments.appealId))
        .where(appealId === undefined ? of : and(of, eq(letterDocuments.appealId, appealId)))
        .orderBy(asc(letterDocuments.id))
        .all();
    },
    deliveriesOfAddressee(addresseeId: number, appealId?: number) {
      const of = eq(deliveries.addresseeId, addresseeId);
      return db
        .select({ delivery: deliveries, outbox: mailOutbox, appealId: dispatches.appealId, appealTitle: appeals.title })
        .from(deliveries)
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .innerJoin(appeals, eq(appeals.id, dispatches.appealId))
        .leftJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
        .where(appealId === undefined ? of : and(of, eq(dispatches.appealId, appealId)))
        .orderBy(asc(deliveries.id))
        .all();
    },
    pseudonymiseDocumentsOfAddressee(addresseeId: number, pseudonym: string, appealId?: number): void {
      const of = eq(letterDocuments.addresseeId, addresseeId);
      db.update(letterDocuments)
        .set({ addressLines: pseudonym })
        .where(appealId === undefined ? of : and(of, eq(letterDocuments.appealId, appealId)))
        .run();
    },
    pseudonymiseDeliveries(deliveryIds: number[], pseudonym: string): void {
      if (deliveryIds.length === 0) return;
      db.update(deliveries).set({ label: pseudonym, email: '', addressLines: '' }).where(inArray(deliveries.id, deliveryIds)).run();
    },
    deleteAddressee(addresseeId: number): void {
      db.delete(addressees).where(eq(addressees.id, addresseeId)).run();
    },

    // --- organisers ---
    organiserByEmail(email: string) {
      return db.select().from(organisers).where(eq(organisers.email, email)).get();
    },
    organiserById(organiserId: number) {
      return db.select().from(organisers).where(eq(organisers.id, organiserId)).get();
    },
    membershipsOf(organiserId: number) {
      return db
        .select({ appealId: appeals.id, title: appeals.title, slug: appeals.slug, role: memberships.role, since: memberships.createdAt })
        .from(memberships)
        .innerJoin(appeals, eq(appeals.id, memberships.appealId))
        .where(eq(memberships.organiserId, organiserId))
        .orderBy(asc(appeals.id))
        .all();
    },
    /** Appeals on which this organiser is the only owner (deleting them would orphan the appeal). */
    appealsOnlyOwnedBy(organiserId: number) {
      const owned = db.select({ appealId: memberships.appealId }).from(memberships).where(and(eq(memberships.organiserId, organiserId), eq(memberships.role, 'owner')));
      const otherOwners = db.select({ appealId: memberships.appealId }).from(memberships).where(and(ne(memberships.organiserId, organiserId), eq(memberships.role, 'owner')));
      return db
        .select({ title: appeals.title })
        .from(appeals)
        .where(and(inArray(appeals.id, owned), notInArray(appeals.id, otherOwners)))
        .all();
    },
    listsOwnedBy(organiserId: number) {
      return db.select({ id: addresseeLists.id, name: addresseeLists.name }).from(addresseeLists).where(eq(addresseeLists.ownerId, organiserId)).orderBy(asc(addresseeLists.id)).all();
    },
    sessionsOf(organiserId: number) {
      return db
        .select({ createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt })
        .from(sessions)
        .where(eq(sessions.organiserId, organiserId))
        .orderBy(asc(sessions.createdAt))
        .all();
    },
    pseudonymiseDispatchStarter(organiserId: number, pseudonym: string): void {
      db.update(dispatches).set({ startedByName: pseudonym }).where(eq(dispatches.startedBy, organiserId)).run();
    },
    /** Deletes the account; sessions and memberships go with it (foreign keys cascade). */
    deleteOrganiser(organiserId: number): void {
      db.delete(organisers).where(eq(organisers.id, organiserId)).run();
    },

    /** Appeals whose dispatch finished (the appeal was sent) before `before`. */
    appealsSentBefore(before: Date): number[] {
      return db.select({ appealId: dispatches.appealId }).from(dispatches).where(lt(dispatches.finishedAt, before)).all().map((row) => row.appealId);
    },

    // --- mail ---
    outboxTo(email: string): OutboxRow[] {
      return db.select().from(mailOutbox).where(eq(lowerEmail(mailOutbox.recipient), email)).orderBy(asc(mailOutbox.id)).all();
    },
    outboxByRef(ref: string): OutboxRow[] {
      return db.select().from(mailOutbox).where(eq(mailOutbox.ref, ref)).orderBy(asc(mailOutbox.id)).all();
    },
    outboxByIds(ids: number[]): OutboxRow[] {
      return ids.length === 0 ? [] : db.select().from(mailOutbox).where(inArray(mailOutbox.id, ids)).orderBy(asc(mailOutbox.id)).all();
    },
    /**
     * The row keeps that a message was sent (state, time, subject) but no longer to whom nor
     * with what content; one still waiting is not sent any more.
     */
    pseudonymiseOutbox(ids: number[], pseudonym: string, now: Date): void {
      if (ids.length === 0) return;
      db.update(mailOutbox).set({ recipient: '', recipientName: pseudonym, payload: '{"erased":true}', updatedAt: now }).where(inArray(mailOutbox.id, ids)).run();
      db.update(mailOutbox)
        .set({ state: 'rejected', nextAttemptAt: null, lastError: 'Empfänger:in gelöscht' })
        .where(and(inArray(mailOutbox.id, ids), or(inArray(mailOutbox.state, [...pendingStates]), and(eq(mailOutbox.state, 'failed'), isNotNull(mailOutbox.nextAttemptAt)))))
        .run();
    },
    /** Finished rows last changed before `before` whose content is still there. */
    expiredOutbox(before: Date): OutboxRow[] {
      return db
        .select()
        .from(mailOutbox)
        .where(
          and(
            lt(mailOutbox.updatedAt, before),
            notInArray(mailOutbox.state, [...pendingStates]),
            or(ne(mailOutbox.state, 'failed'), sql`${mailOutbox.nextAttemptAt} is null`),
            sql`json_extract(${mailOutbox.payload}, '$.expired') is null`,
            sql`json_extract(${mailOutbox.payload}, '$.erased') is null`,
          ),
        )
        .all();
    },
    setOutboxPayload(id: number, payload: string): void {
      db.update(mailOutbox).set({ payload }).where(eq(mailOutbox.id, id)).run();
    },
  };
}

export type PrivacyRepository = ReturnType<typeof privacyRepository>;
