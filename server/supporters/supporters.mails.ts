// The supporters' e-mails, composed by the outbox worker when they are sent. The links are
// sealed in the queued row; a newer link (a second signature with the same address) makes an
// older message pointless.
import { appealSender } from '../appeals/appeals.mails.ts';
import { t } from '../i18n/index.ts';
import type { ComposerRegistry } from '../mail/composers.ts';
import { MailNotNeeded } from '../mail/mail.types.ts';
import type { Composer } from '../mail/mail.types.ts';
import { formatDate } from '../shared/dates.ts';
import { hashToken, openSealedToken } from '../shared/tokens.ts';
import type { SupporterMailKind, SupporterMailPayload } from './citizen-sign.service.ts';
import { supportersRepository } from './supporters.repository.ts';

// — public page and citizens —

const composeSupporterMail: (kind: SupporterMailKind) => Composer = (kind) => async (payload, { db, config, render }) => {
  const { supporterId, sealedConfirm, sealedWithdraw } = payload as SupporterMailPayload;
  const found = supportersRepository(db).findById(supporterId);
  if (!found) throw new MailNotNeeded(t('mailNotNeeded.supporterDeleted'));
  const { supporter, appeal } = found;
  const withdrawToken = openSealedToken(sealedWithdraw, config.sessionSecret);
  if (supporter.withdrawTokenHash !== hashToken(withdrawToken)) throw new MailNotNeeded(t('mailNotNeeded.linkReplaced'));
  let confirmLink = '';
  if (kind === 'supporter-confirm') {
    const confirmToken = openSealedToken(sealedConfirm ?? '', config.sessionSecret);
    if (supporter.confirmTokenHash !== hashToken(confirmToken) || supporter.state !== 'unconfirmed') throw new MailNotNeeded(t('mailNotNeeded.alreadyConfirmed'));
    confirmLink = `${config.baseUrl}/c/${confirmToken}`;
  }
  const subject = t(`mail.${kind}.subject`, { title: appeal.title });
  const { html, text } = await render(`supporters/${kind}`, {
    subject,
    greeting: t('mail.supporter.greeting', { name: `${supporter.firstName} ${supporter.lastName}`.trim() }),
    intro: t(`mail.${kind}.intro`, { title: appeal.title, coalition: appeal.coalitionName }),
    confirmLink,
    confirmHint: supporter.confirmExpiresAt ? t('mail.supporter-confirm.expires', { date: formatDate(supporter.confirmExpiresAt) }) : '',
    withdrawText: t('mail.supporter.withdraw'),
    withdrawLink: `${config.baseUrl}/u/${withdrawToken}`,
    notYou: t('mail.supporter.notYou'),
    pageLink: `${config.baseUrl}/a/${appeal.slug}`,
    coalitionName: appeal.coalitionName,
    footer: t('mail.footer'),
  });
  return { subject, html, text, ...appealSender(appeal) };
};

/** The citizens' mail kinds, for the worker's registry. */
export function registerSupporterMailKinds(registry: ComposerRegistry): void {
  registry.register('supporter-confirm', composeSupporterMail('supporter-confirm'));
  registry.register('supporter-already-signed', composeSupporterMail('supporter-already-signed'));
}
