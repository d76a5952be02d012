import { formatDate } from '../shared/dates.ts';
import { roleLabel } from './appeals.presenters.ts';
import type { InvitationWithInviter } from './team-invitations.service.ts';

/** The open invitations on the Team page. */
export const presentInvitations = (invitations: InvitationWithInviter[]) =>
  invitations.map((invitation) => ({
    id: invitation.id,
    email: invitation.email,
    roleLabel: roleLabel(invitation.role),
    invitedBy: invitation.inviterName,
    sentOn: formatDate(invitation.createdAt),
    validUntil: formatDate(invitation.expiresAt),
  }));
