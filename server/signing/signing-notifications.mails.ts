// The owners' news of answers: one mail per answer, or the daily digest.
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { auditRepository } from '../audit/audit.repository.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { ComposerRegistry } from '../mail/composers.ts';
import { MailNotNeeded } from '../mail/mail.types.ts';
import type { Composer } from '../mail/mail.types.ts';
import { organisersRepository } from '../organisers/organisers.repository.ts';
import { formatDateTime } from '../shared/dates.ts';
import { signingRepository } from './signing.repository.ts';
import { newsActions, SIGNING_DIGEST_KIND, SIGNING_NEWS_KIND } from './signing-notifications.service.ts';
import type { SigningDigestPayload, SigningNewsPayload } from './signing-notifications.service.ts';

const actionLabel = (action: string) => t(`ownerNews.action.${action}` as MessageKey);

const composeNews: Composer = async (payload, { db, config, render }) => {
  const { signatoryId, action } = payload as SigningNewsPayload;
  const context = signingRepository(db).findSignatoryContext(signatoryId);
  if (!context) throw new MailNotNeeded(t('mailNotNeeded.signatoryRemoved'));
  const { appeal, organisation, signatory } = context;
  const subject = t('ownerNews.subject', { organisation: organisation.name, action: actionLabel(action), title: appeal.title });
  const { html, text } = await render('signing/owner-news', {
    subject,
    coalitionName: appeal.coalitionName,
    sentence: t(`ownerNews.sentence.${action}` as MessageKey, { organisation: organisation.name, person: signatory.representativeName, title: appeal.title }),
    reason: action === 'declined' && signatory.declineReason ? t('ownerNews.reason', { reason: signatory.declineReason }) : '',
    link: `${config.baseUrl}/appeals/${appeal.slug}/signing`,
    linkLabel: t('ownerNews.open'),
    setting: t('ownerNews.setting', { link: `${config.baseUrl}/account#benachrichtigungen` }),
    footer: t('mail.footer'),
  });
  return { subject, html, text };
};

const composeDigest: Composer = async (payload, { db, config, render }) => {
  const { organiserId, from, to } = payload as SigningDigestPayload;
  const organiser = organisersRepository(db).findById(organiserId);
  if (!organiser) throw new MailNotNeeded(t('mailNotNeeded.noLongerMember'));
  const owned = appealsRepository(db).listForOrganiser(organiserId).filter((entry) => entry.role === 'owner').map((entry) => entry.appeal);
  const events = auditRepository(db).listActions(owned.map((appeal) => appeal.id), [...newsActions], new Date(from), new Date(to));
  if (events.length === 0) throw new MailNotNeeded(t('ownerNews.digest.nothing'));
  const appeals = owned
    .map((appeal) => ({
      title: appeal.title,
      link: `${config.baseUrl}/appeals/${appeal.slug}/signing`,
      events: events
        .filter((event) => event.appealId === appeal.id)
        .map((event) => `${formatDateTime(event.at)} – ${event.actor}: ${t(`ownerNews.event.${event.action}` as MessageKey)}${event.action === 'declined' && event.detail ? ` (${event.detail})` : ''}`),
    }))
    .filter((appeal) => appeal.events.length > 0);
  const subject = t('ownerNews.digest.subject', { count: events.length });
  const { html, text } = await render('signing/owner-digest', {
    subject,
    recipientName: organiser.name,
    intro: t('ownerNews.digest.intro', { since: formatDateTime(new Date(from)) }),
    appeals,
    setting: t('ownerNews.setting', { link: `${config.baseUrl}/account#benachrichtigungen` }),
    footer: t('mail.footer'),
  });
  return { subject, html, text };
};

export function registerSigningNotificationMailKinds(registry: ComposerRegistry): void {
  registry.register(SIGNING_NEWS_KIND, composeNews);
  registry.register(SIGNING_DIGEST_KIND, composeDigest);
}
