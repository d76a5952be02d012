import { t } from '../i18n/index.ts';
import { organisersRepository } from '../organisers/organisers.repository.ts';
import type { ComposerRegistry } from '../mail/composers.ts';
import { MailNotNeeded } from '../mail/mail.types.ts';
import type { Composer, MailMessage } from '../mail/mail.types.ts';
import type { Appeal } from './appeals.table.ts';
import { appealsRepository } from './appeals.repository.ts';
import { kindLabel, roleLabel } from './appeals.presenters.ts';
import { composeTeamInvitation } from './team-invitations.mails.ts';

/** Mail about an appeal comes from the coalition and replies go to its contact person. */
export function appealSender(appeal: Pick<Appeal, 'coalitionName' | 'contactName' | 'contactEmail'>): Pick<MailMessage, 'fromName' | 'replyTo'> {
  return {
    fromName: appeal.coalitionName,
    ...(appeal.contactEmail ? { replyTo: { name: appeal.contactName, address: appeal.contactEmail } } : {}),
  };
}

export type MemberAddedPayload = { appealId: number; organiserId: number; addedBy: string };

/** "Sie wurden zu <Aufruf> hinzugefügt": composed when sent, from the current appeal and role. */
export const composeMemberAdded: Composer = async (payload, { db, config, render }) => {
  const { appealId, organiserId, addedBy } = payload as MemberAddedPayload;
  const appeal = appealsRepository(db).findById(appealId);
  if (!appeal) throw new MailNotNeeded(t('mailNotNeeded.appealDeleted'));
  const membership = appealsRepository(db).findMembership(appealId, organiserId);
  const organiser = organisersRepository(db).findById(organiserId);
  if (!membership || !organiser) throw new MailNotNeeded(t('mailNotNeeded.noLongerMember'));
  const subject = t('mail.memberAdded.subject', { title: appeal.title });
  const { html, text } = await render('appeals/member-added', {
    subject,
    recipientName: organiser.name,
    addedBy,
    appealTitle: appeal.title,
    coalitionName: appeal.coalitionName,
    kindLabel: kindLabel(appeal.kind),
    roleLabel: roleLabel(membership.role),
    roleHelp: t(`role.${membership.role}.help`).replace(/\.$/, ''),
    link: `${config.baseUrl}/appeals/${appeal.slug}`,
    footer: t('mail.footer'),
  });
  return { subject, html, text };
};

/** The mail kinds of appeals, for the worker's registry. */
export function registerAppealMailKinds(registry: ComposerRegistry): void {
  registry.register('member-added', composeMemberAdded);
  registry.register('team-invitation', composeTeamInvitation);
}
