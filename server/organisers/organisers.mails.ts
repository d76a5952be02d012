// The account mails (password reset, new e-mail address), composed by the outbox worker when sent.
import { t } from '../i18n/index.ts';
import type { ComposerRegistry } from '../mail/composers.ts';
import { MailNotNeeded } from '../mail/mail.types.ts';
import type { Composer } from '../mail/mail.types.ts';
import { formatDateTime } from '../shared/dates.ts';
import { hashToken, openSealedToken } from '../shared/tokens.ts';
import type { AccountLinkPayload, AccountLinkPurpose } from './account-links.service.ts';
import { organisersRepository } from './organisers.repository.ts';

const paths: Record<AccountLinkPurpose, string> = { 'password-reset': '/reset', 'email-change': '/email' };

function composerFor(purpose: AccountLinkPurpose): Composer {
  return async (payload, { db, config, render }) => {
    const { tokenId, sealedToken } = payload as AccountLinkPayload;
    const repository = organisersRepository(db);
    const link = repository.findAccountTokenById(tokenId);
    const token = openSealedToken(sealedToken, config.sessionSecret);
    // A newer link, or one already used, makes this message pointless.
    if (!link || link.usedAt || link.tokenHash !== hashToken(token)) throw new MailNotNeeded(t('mailNotNeeded.linkUsed'));
    const organiser = repository.findById(link.organiserId);
    if (!organiser) throw new MailNotNeeded(t('mailNotNeeded.accountDeleted'));
    const key = purpose === 'password-reset' ? 'reset' : 'emailChange';
    const subject = t(`accounts.mail.${key}.subject`);
    const { html, text } = await render('organisers/account-link', {
      subject,
      sender: t('app.name'),
      greeting: t('accounts.mail.greeting', { name: organiser.name }),
      paragraphs: [t(`accounts.mail.${key}.text`, { email: link.newEmail ?? organiser.email })],
      button: t(`accounts.mail.${key}.button`),
      copyHint: t('accounts.mail.copyHint'),
      link: `${config.baseUrl}${paths[purpose]}/${token}`,
      note: t(`accounts.mail.${key}.note`, { until: formatDateTime(link.expiresAt) }),
      footer: t('mail.footer'),
    });
    return { subject, html, text };
  };
}

/** The account mail kinds, for the worker's registry. */
export function registerOrganiserMailKinds(registry: ComposerRegistry): void {
  registry.register('password-reset', composerFor('password-reset'));
  registry.register('email-change', composerFor('email-change'));
}
