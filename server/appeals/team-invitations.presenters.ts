import { formatDate } from '../shared/dates.ts';
import { roleLabel } from './appeals.presenters.ts';
import type { TeamInvitation } from './team-invitations.table.ts';

/** The open invitations on the Team page. */
export const presentInvitations = (invitations: TeamInvitation[]) =>
  invitations.map((invitation) => ({
    id: invitation.id,
    email: invitation.email,
    roleLabel: roleLabel(invitation.role),
    invitedBy: invitation.invitedByName,
    sentOn: formatDate(invitation.createdAt),
    validUntil: formatDate(invitation.expiresAt),
  }));
