// Inviting a person without an account to an appeal's team: a mail with a link (32 random
// bytes, only the hash stored, 7 days, revocable) to choose name and password; the account
// then gets the role on the appeal (and on every other appeal that invited the same address).
import type { Db } from '../db/client.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import { t } from '../i18n/index.ts';
import { createOrganiser, findOrganiserByEmail, findOrganiserById, readOrganiserForm } from '../organisers/organisers.service.ts';
import type { OrganiserInput } from '../organisers/organisers.service.ts';
import type { Organiser } from '../organisers/organisers.table.ts';
import type { Clock } from '../shared/clock.ts';
import type { FormResult } from '../shared/form.ts';
import { hashToken, newToken, sealToken } from '../shared/tokens.ts';
import { appealsRepository } from './appeals.repository.ts';
import type { Appeal, Role } from './appeals.table.ts';
import { teamInvitationsRepository } from './team-invitations.repository.ts';
import type { TeamInvitation } from './team-invitations.table.ts';

export const INVITATION_DAYS = 7;

export type TeamInvitationPayload = { invitationId: number; sealedToken: string };

/**
 * Queues the invitation mail; an open invitation to the same address on this appeal is replaced.
 * `appeal: null`: the operator invites a person to the installation (no role on any appeal).
 */
export function inviteToTeam({ db, clock, secret, appeal, email, role, invitedBy }: { db: Db; clock: Clock; secret: string; appeal: Appeal | null; email: string; role: Role; invitedBy: Pick<Organiser, 'id' | 'name'> }): TeamInvitation {
  const appealId = appeal?.id ?? null;
  const token = newToken();
  const now = clock();
  return db.transaction((tx) => {
    const repository = teamInvitationsRepository(tx);
    repository.revokeOpen(appealId, email, now);
    const invitation = repository.insert({
      appealId,
      email,
      role,
      tokenHash: hashToken(token),
      invitedBy: invitedBy.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITATION_DAYS * 24 * 60 * 60 * 1000),
    });
    const payload: TeamInvitationPayload = { invitationId: invitation.id, sealedToken: sealToken(token, secret) };
    const scope = appealId === null ? { ref: 'installation' } : { ref: `appeal:${appealId}`, appealId };
    enqueueMail({ db: tx, clock, mail: { kind: 'team-invitation', payload, to: email, ...scope } });
    return invitation;
  });
}

export type InvitationWithInviter = TeamInvitation & { inviterName: string };

/** Who invited: their current name, or "a team member" once their account is deleted. */
export function inviterName({ db, invitation }: { db: Db; invitation: TeamInvitation }): string {
  const inviter = invitation.invitedBy === null ? undefined : findOrganiserById({ db, id: invitation.invitedBy });
  return inviter?.name ?? t('invitations.formerMember');
}

export function listPendingInvitations({ db, clock, appeal }: { db: Db; clock: Clock; appeal: Appeal | null }): InvitationWithInviter[] {
  return teamInvitationsRepository(db).listPending(appeal?.id ?? null, clock()).map((invitation) => ({ ...invitation, inviterName: inviterName({ db, invitation }) }));
}

/** "Einladung zurückziehen": false when the invitation is not this appeal's or no longer open. */
export function revokeInvitation({ db, clock, appeal, invitationId }: { db: Db; clock: Clock; appeal: Appeal | null; invitationId: number }): boolean {
  return teamInvitationsRepository(db).revoke(appeal?.id ?? null, invitationId, clock());
}

export type InvitationCheck =
  | { ok: true; invitation: TeamInvitation; appeal: Appeal | null }
  | { ok: false; problem: 'unknown' | 'used' | 'revoked' | 'expired' };

export function checkInvitation({ db, clock, token }: { db: Db; clock: Clock; token: string }): InvitationCheck {
  const invitation = /^[A-Za-z0-9_-]{43}$/.test(token) ? teamInvitationsRepository(db).findByTokenHash(hashToken(token)) : undefined;
  const appeal = invitation?.appealId ? appealsRepository(db).findById(invitation.appealId) : null;
  // An appeal's invitation whose appeal was deleted is gone with it (cascade); this is a guard.
  if (!invitation || appeal === undefined) return { ok: false, problem: 'unknown' };
  if (invitation.acceptedAt) return { ok: false, problem: 'used' };
  if (invitation.revokedAt) return { ok: false, problem: 'revoked' };
  if (invitation.expiresAt.getTime() <= clock().getTime()) return { ok: false, problem: 'expired' };
  return { ok: true, invitation, appeal };
}

/** The account form of the invitation page: the address is the invited one, not typed. */
export function readInvitationForm(body: unknown, invitation: TeamInvitation): FormResult<OrganiserInput> {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  return readOrganiserForm({ ...fields, email: invitation.email });
}

export type AcceptResult = { ok: true; organiser: Organiser; appeal: Appeal | null; newAccount: boolean } | { ok: false; problem: 'used' };

/**
 * Creates the account (or, when one was made for the address meanwhile, uses it) and gives it
 * the role of this invitation and of every other open invitation to the same address.
 */
export async function acceptInvitation({ db, clock, invitation, appeal, input }: { db: Db; clock: Clock; invitation: TeamInvitation; appeal: Appeal | null; input: OrganiserInput | null }): Promise<AcceptResult> {
  let organiser = findOrganiserByEmail({ db, email: invitation.email });
  const newAccount = !organiser;
  if (!organiser) {
    if (!input) return { ok: false, problem: 'used' };
    const created = await createOrganiser({ db, clock, input });
    organiser = created.ok ? created.organiser : findOrganiserByEmail({ db, email: invitation.email });
    if (!organiser) return { ok: false, problem: 'used' };
  }
  const account = organiser;
  return db.transaction((tx) => {
    const invitations = teamInvitationsRepository(tx);
    if (!invitations.accept(invitation.id, clock())) return { ok: false as const, problem: 'used' as const };
    const grants = [invitation, ...invitations.listPendingForEmail(invitation.email, clock())];
    const appeals = appealsRepository(tx);
    for (const grant of grants) {
      if (grant.id !== invitation.id) invitations.accept(grant.id, clock());
      if (grant.appealId !== null && !appeals.findMembership(grant.appealId, account.id)) appeals.insertMembership({ appealId: grant.appealId, organiserId: account.id, role: grant.role, createdAt: clock() });
    }
    return { ok: true as const, organiser: account, appeal, newAccount };
  });
}
