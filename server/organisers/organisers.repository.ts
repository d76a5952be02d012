import { and, asc, count, desc, eq, gt, isNull, like, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { preparedStatements } from '../db/prepared.ts';
import { accountEvents, accountTokens, loginChallenges, organisers, recoveryCodes, sessions } from './organisers.table.ts';
import type { NotifyMode, Organiser } from './organisers.table.ts';

// The session lookup of every logged-in request, prepared once per connection.
const statements = preparedStatements((db) => ({
  findSessionWithOrganiser: db
    .select({ session: sessions, organiser: organisers })
    .from(sessions)
    .innerJoin(organisers, eq(sessions.organiserId, organisers.id))
    .where(eq(sessions.tokenHash, sql.placeholder('tokenHash')))
    .prepare(),
}));

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
    insert(values: { email: string; name: string; passwordHash: string; createdAt: Date; isAdmin?: boolean }): Organiser {
      return db.insert(organisers).values(values).returning().get();
    },
    updatePassword(id: number, passwordHash: string): void {
      db.update(organisers).set({ passwordHash }).where(eq(organisers.id, id)).run();
    },
    updateName(id: number, name: string): void {
      db.update(organisers).set({ name }).where(eq(organisers.id, id)).run();
    },
    updateEmail(id: number, email: string): void {
      db.update(organisers).set({ email: email.toLowerCase() }).where(eq(organisers.id, id)).run();
    },
    setDisabled(id: number, disabledAt: Date | null): void {
      db.update(organisers).set({ disabledAt }).where(eq(organisers.id, id)).run();
    },
    setNotifyMode(id: number, mode: NotifyMode, now: Date): void {
      // Switching to the digest starts its window now: what happened before was announced at once.
      db.update(organisers).set(mode === 'digest' ? { notifyMode: mode, digestSentAt: now } : { notifyMode: mode }).where(eq(organisers.id, id)).run();
    },
    listDigestReaders(): Organiser[] {
      return db.select().from(organisers).where(and(eq(organisers.notifyMode, 'digest'), isNull(organisers.disabledAt))).all();
    },
    /** Claims the digest window up to `now`; false when another run already moved it. */
    claimDigest(id: number, previous: Date | null, now: Date): boolean {
      const same = previous === null ? isNull(organisers.digestSentAt) : eq(organisers.digestSentAt, previous);
      return db.update(organisers).set({ digestSentAt: now }).where(and(eq(organisers.id, id), same)).run().changes === 1;
    },
    listAll(): Organiser[] {
      return db.select().from(organisers).orderBy(asc(organisers.name), asc(organisers.id)).all();
    },
    setPendingTotp(id: number, sealedSecret: string | null): void {
      db.update(organisers).set({ totpPendingSecret: sealedSecret }).where(eq(organisers.id, id)).run();
    },
    /** Switches the second factor on (a confirmed secret) or off (null). */
    setTotp(id: number, sealedSecret: string | null, lastStep: number): void {
      db.update(organisers).set({ totpSecret: sealedSecret, totpPendingSecret: null, totpLastStep: lastStep }).where(eq(organisers.id, id)).run();
    },
    /** Records an accepted time step, only if it is newer than the last one (false: a replay). */
    claimTotpStep(id: number, step: number): boolean {
      return db.update(organisers).set({ totpLastStep: step }).where(and(eq(organisers.id, id), lt(organisers.totpLastStep, step))).run().changes === 1;
    },
    replaceRecoveryCodes(organiserId: number, codeHashes: string[]): void {
      db.delete(recoveryCodes).where(eq(recoveryCodes.organiserId, organiserId)).run();
      if (codeHashes.length > 0) db.insert(recoveryCodes).values(codeHashes.map((codeHash) => ({ organiserId, codeHash }))).run();
    },
    /** Uses an unused recovery code (false: unknown or used before). */
    useRecoveryCode(organiserId: number, codeHash: string, now: Date): boolean {
      return (
        db
          .update(recoveryCodes)
          .set({ usedAt: now })
          .where(and(eq(recoveryCodes.organiserId, organiserId), eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt)))
          .run().changes === 1
      );
    },
    countUnusedRecoveryCodes(organiserId: number): number {
      return db.select({ value: count() }).from(recoveryCodes).where(and(eq(recoveryCodes.organiserId, organiserId), isNull(recoveryCodes.usedAt))).get()?.value ?? 0;
    },
    insertLoginChallenge(values: { tokenHash: string; organiserId: number; next: string; expiresAt: Date }): void {
      db.insert(loginChallenges).values(values).run();
    },
    findLoginChallenge(tokenHash: string, now: Date) {
      return db.select().from(loginChallenges).where(and(eq(loginChallenges.tokenHash, tokenHash), gt(loginChallenges.expiresAt, now))).get();
    },
    deleteLoginChallenge(tokenHash: string): void {
      db.delete(loginChallenges).where(eq(loginChallenges.tokenHash, tokenHash)).run();
    },
    deleteExpiredLoginChallenges(now: Date): void {
      db.delete(loginChallenges).where(lt(loginChallenges.expiresAt, now)).run();
    },
    insertAccountToken(values: { organiserId: number; purpose: 'password-reset' | 'email-change'; tokenHash: string; newEmail?: string; createdAt: Date; expiresAt: Date }) {
      return db.insert(accountTokens).values(values).returning().get();
    },
    findAccountToken(tokenHash: string) {
      return db.select().from(accountTokens).where(eq(accountTokens.tokenHash, tokenHash)).get();
    },
    findAccountTokenById(id: number) {
      return db.select().from(accountTokens).where(eq(accountTokens.id, id)).get();
    },
    /** Marks a link used (false: it was used or replaced already). */
    useAccountToken(id: number, now: Date): boolean {
      return db.update(accountTokens).set({ usedAt: now }).where(and(eq(accountTokens.id, id), isNull(accountTokens.usedAt))).run().changes === 1;
    },
    /** Older links of the same purpose stop working when a new one is sent or one is used. */
    retireAccountTokens(organiserId: number, purpose: 'password-reset' | 'email-change', now: Date): void {
      db.update(accountTokens)
        .set({ usedAt: now })
        .where(and(eq(accountTokens.organiserId, organiserId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)))
        .run();
    },
    countAccountTokensSince(organiserId: number, purpose: 'password-reset' | 'email-change', since: Date): number {
      return (
        db
          .select({ value: count() })
          .from(accountTokens)
          .where(and(eq(accountTokens.organiserId, organiserId), eq(accountTokens.purpose, purpose), gt(accountTokens.createdAt, since)))
          .get()?.value ?? 0
      );
    },
    insertAccountEvent(values: { organiserId: number; event: string; detail?: string; network: string; at: Date }, keepSince: Date): void {
      db.insert(accountEvents).values(values).run();
      db.delete(accountEvents).where(and(eq(accountEvents.organiserId, values.organiserId), lt(accountEvents.at, keepSince))).run();
    },
    listAccountEvents(organiserId: number, limit: number) {
      return db.select().from(accountEvents).where(eq(accountEvents.organiserId, organiserId)).orderBy(desc(accountEvents.at), desc(accountEvents.id)).limit(limit).all();
    },
    /** The operator's actions (events `admin.…`) of every admin account, newest first. */
    listAdminEvents(limit: number) {
      return db
        .select({ event: accountEvents, actor: organisers.name })
        .from(accountEvents)
        .innerJoin(organisers, eq(accountEvents.organiserId, organisers.id))
        .where(like(accountEvents.event, 'admin.%'))
        .orderBy(desc(accountEvents.at), desc(accountEvents.id))
        .limit(limit)
        .all();
    },
    /** Ends one session of this organiser, named by the start of its hash (false: none of theirs). */
    deleteSessionByKey(organiserId: number, keyPrefix: string): boolean {
      const session = db.select().from(sessions).where(eq(sessions.organiserId, organiserId)).all().find((row) => row.tokenHash.startsWith(keyPrefix));
      if (!session) return false;
      db.delete(sessions).where(eq(sessions.tokenHash, session.tokenHash)).run();
      return true;
    },
    listSessions(organiserId: number) {
      return db.select().from(sessions).where(eq(sessions.organiserId, organiserId)).orderBy(desc(sessions.lastSeenAt)).all();
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
      return statements(db).findSessionWithOrganiser.get({ tokenHash });
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
