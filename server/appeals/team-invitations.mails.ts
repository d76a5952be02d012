// The invitation to an appeal's team for a person without an account, composed when sent.
import { t } from '../i18n/index.ts';
import { MailNotNeeded } from '../mail/mail.types.ts';
import type { Composer } from '../mail/mail.types.ts';
import { formatDate } from '../shared/dates.ts';
import { hashToken, openSealedToken } from '../shared/tokens.ts';
import { appealSender } from './appeals.mails.ts';
import { kindLabel, roleLabel } from './appeals.presenters.ts';
import { appealsRepository } from './appeals.repository.ts';
import { teamInvitationsRepository } from './team-invitations.repository.ts';
import { inviterName } from './team-invitations.service.ts';
import type { TeamInvitationPayload } from './team-invitations.service.ts';

export const composeTeamInvitation: Composer = async (payload, { db, config, render }) => {
  const { invitationId, sealedToken } = payload as TeamInvitationPayload;
  const invitation = teamInvitationsRepository(db).findById(invitationId);
  const token = openSealedToken(sealedToken, config.sessionSecret);
  // Withdrawn, replaced or accepted meanwhile: the link would not work.
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.tokenHash !== hashToken(token)) {
    throw new MailNotNeeded(t('mailNotNeeded.invitationGone'));
  }
  const appeal = invitation.appealId === null ? null : appealsRepository(db).findById(invitation.appealId);
  if (appeal === undefined) throw new MailNotNeeded(t('mailNotNeeded.appealDeleted'));
  const name = inviterName({ db, invitation });
  // The operator's invitation to the installation names no appeal and no role.
  const subject = appeal ? t('invitations.mail.subject', { title: appeal.title }) : t('invitations.mail.installationSubject');
  const paragraphs = appeal
    ? [
        t('invitations.mail.text', { name, title: appeal.title, kind: kindLabel(appeal.kind), coalition: appeal.coalitionName }),
        t('invitations.mail.role', { role: roleLabel(invitation.role), help: t(`role.${invitation.role}.help`) }),
      ]
    : [t('invitations.mail.installationText', { name })];
  const { html, text } = await render('organisers/account-link', {
    subject,
    sender: appeal ? appeal.coalitionName : t('app.name'),
    greeting: t('invitations.mail.greeting'),
    paragraphs,
    button: t('invitations.mail.button'),
    copyHint: t('accounts.mail.copyHint'),
    link: `${config.baseUrl}/invite/${token}`,
    note: t('invitations.mail.note', { until: formatDate(invitation.expiresAt) }),
    footer: t('mail.footer'),
  });
  return { subject, html, text, ...(appeal ? appealSender(appeal) : {}) };
};
