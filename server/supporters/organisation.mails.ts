// The e-mails of supporter organisations, composed by the outbox worker when they are sent:
// the confirmation link to the representative, the note to the organisers, and the decision.
import { appealSender } from '../appeals/appeals.mails.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { hasRole } from '../appeals/appeal-roles.ts';
import { kindLabel } from '../appeals/appeals.presenters.ts';
import { t } from '../i18n/index.ts';
import type { ComposerRegistry } from '../mail/composers.ts';
import { MailNotNeeded } from '../mail/mail.types.ts';
import type { Composer } from '../mail/mail.types.ts';
import { formatDate } from '../shared/dates.ts';
import { hashToken, openSealedToken } from '../shared/tokens.ts';
import type { ConfirmMailPayload, JoinRequestMailPayload } from './organisation-join.service.ts';
import { supportersRepository } from './supporters.repository.ts';
import type { SupporterState } from './supporters.table.ts';

export type DecisionMailPayload = { supporterId: number };

const contact = (appeal: { contactName: string; contactEmail: string }) => ({ contactName: appeal.contactName, contactEmail: appeal.contactEmail });

/** To the representative: confirm the address (/c/<token>) or withdraw (/u/<token>). */
const composeConfirm: Composer = async (payload, { db, config, render }) => {
  const { supporterId, sealedConfirm, sealedWithdraw } = payload as ConfirmMailPayload;
  const found = supportersRepository(db).findById(supporterId);
  if (!found || !found.supporter.email) throw new MailNotNeeded(t('mailNotNeeded.requestDeleted'));
  const { supporter, appeal } = found;
  const confirmToken = openSealedToken(sealedConfirm, config.sessionSecret);
  if (supporter.state !== 'unconfirmed' || supporter.confirmTokenHash !== hashToken(confirmToken)) throw new MailNotNeeded(t('mailNotNeeded.requestMoved'));
  const subject = t('mail.orgConfirm.subject', { organisation: supporter.organisationName, title: appeal.title });
  const { html, text } = await render('supporters/org-confirm', {
    subject,
    recipientName: `${supporter.firstName} ${supporter.lastName}`,
    organisationName: supporter.organisationName,
    appealTitle: appeal.title,
    kindLabel: kindLabel(appeal.kind),
    coalitionName: appeal.coalitionName,
    confirmLink: `${config.baseUrl}/c/${confirmToken}`,
    withdrawLink: `${config.baseUrl}/u/${openSealedToken(sealedWithdraw, config.sessionSecret)}`,
    expires: supporter.confirmExpiresAt ? formatDate(supporter.confirmExpiresAt) : '',
    ...contact(appeal),
    footer: t('mail.footer'),
  });
  return { subject, html, text, ...appealSender(appeal) };
};

/** To the representative: approved (now listed) or rejected (with the reason). */
function composeDecision(decision: Extract<SupporterState, 'confirmed' | 'rejected'>): Composer {
  return async (payload, { db, render }) => {
    const { supporterId } = payload as DecisionMailPayload;
    const found = supportersRepository(db).findById(supporterId);
    if (!found || !found.supporter.email) throw new MailNotNeeded(t('mailNotNeeded.supporterDeleted'));
    const { supporter, appeal } = found;
    if (supporter.state !== decision) throw new MailNotNeeded(t('mailNotNeeded.decisionChanged'));
    const subject = decision === 'confirmed' ? t('mail.orgApproved.subject') : t('mail.orgRejected.subject', { title: appeal.title });
    const { html, text } = await render('supporters/org-decision', {
      subject,
      approved: decision === 'confirmed',
      recipientName: `${supporter.firstName} ${supporter.lastName}`,
      organisationName: supporter.organisationName,
      appealTitle: appeal.title,
      coalitionName: appeal.coalitionName,
      reason: supporter.rejectReason,
      ...contact(appeal),
      footer: t('mail.footer'),
    });
    return { subject, html, text, ...appealSender(appeal) };
  };
}

/** To each owner and editor: an organisation confirmed its address and waits for approval. */
const composeJoinRequest: Composer = async (payload, { db, config, render }) => {
  const { supporterId, organiserId } = payload as JoinRequestMailPayload;
  const found = supportersRepository(db).findById(supporterId);
  if (!found || found.supporter.state !== 'awaiting_approval') throw new MailNotNeeded(t('mailNotNeeded.requestDecided'));
  const { supporter, appeal } = found;
  const member = appealsRepository(db)
    .listMembers(appeal.id)
    .find((candidate) => candidate.organiserId === organiserId);
  if (!member || !hasRole(member.role, 'editor')) throw new MailNotNeeded(t('mailNotNeeded.noLongerDecides'));
  const subject = t('mail.orgJoinRequest.subject', { organisation: supporter.organisationName, title: appeal.title });
  const { html, text } = await render('supporters/organiser-join-request', {
    subject,
    recipientName: member.name,
    organisationName: supporter.organisationName,
    representative: [`${supporter.firstName} ${supporter.lastName}`, supporter.representativeFunction].filter(Boolean).join(', '),
    website: supporter.website,
    appealTitle: appeal.title,
    coalitionName: appeal.coalitionName,
    link: `${config.baseUrl}/appeals/${appeal.slug}/supporters?filter=awaiting_approval&kind=organisation`,
    footer: t('mail.footer'),
  });
  return { subject, html, text };
};

export const organisationComposers = {
  'organisation-confirm': composeConfirm,
  'organisation-join-request': composeJoinRequest,
  'organisation-approved': composeDecision('confirmed'),
  'organisation-rejected': composeDecision('rejected'),
} satisfies Record<string, Composer>;

/** The mail kinds of supporter organisations, for the worker's registry. */
export function registerOrganisationMailKinds(registry: ComposerRegistry): void {
  for (const [kind, composer] of Object.entries(organisationComposers)) registry.register(kind, composer);
}
