// The public page, the open data and the sign form as the views show them: pure functions.
import { presentLetterPreview } from '../appeals/appeals.presenters.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { formatNumber, t } from '../i18n/index.ts';
import { formatDate, formatIsoDate } from '../shared/dates.ts';
import { logoUrl } from '../signatories/signatories.presenters.ts';
import type { PublicPageData } from './public-page.service.ts';

/** "Vorname N., Ort": the only way a citizen's name is shown in public. */
export function shortCitizenName({ firstName, lastName, place }: { firstName: string; lastName: string; place: string }): string {
  const initial = [...lastName.trim()][0];
  return `${firstName.trim()}${initial ? ` ${initial.toUpperCase()}.` : ''}${place.trim() ? `, ${place.trim()}` : ''}`;
}

/** The state in words: "Unterschriften werden gesammelt", "Abgeschlossen am …", "Versandt am …". */
export function stateInWords(appeal: Pick<Appeal, 'state' | 'updatedAt'>, sentAt: Date | null): string {
  switch (appeal.state) {
    case 'sent':
      return sentAt ? t('publicPage.state.sentOn', { date: formatDate(sentAt) }) : t('publicPage.state.sent');
    case 'sending':
      return t('publicPage.state.sending');
    case 'final':
      return t('publicPage.state.final');
    default:
      return t('publicPage.state.signing');
  }
}

export const publicUrls = (baseUrl: string, slug: string) => ({
  page: `${baseUrl}/a/${slug}`,
  sign: `/a/${slug}/sign`,
  joinAsOrganisation: `/a/${slug}/organisation`,
  shareImage: `${baseUrl}/a/${slug}/share.png`,
  letter: `/a/${slug}/brief.pdf`,
  data: `/a/${slug}.json`,
  badge: `/a/${slug}/badge.svg`,
});

export function presentPublicPage(data: PublicPageData, { baseUrl, open }: { baseUrl: string; open: boolean }) {
  const { appeal } = data;
  const urls = publicUrls(baseUrl, appeal.slug);
  const citizens = data.counts.citizens;
  const goal = appeal.supportGoal > 0 ? { goal: formatNumber(appeal.supportGoal), percent: Math.min(100, Math.floor((citizens / appeal.supportGoal) * 100)) } : null;
  const description = t('publicPage.meta.description', { count: citizens, coalition: appeal.coalitionName });
  return {
    title: appeal.title,
    coalitionName: appeal.coalitionName,
    stateText: stateInWords(appeal, data.sentAt),
    sent: appeal.state === 'sent',
    versionLabel: data.version ? t('publicPage.version', { number: data.version.number, date: formatDate(data.version.createdAt) }) : '',
    letter: presentLetterPreview(appeal),
    firstSignatories: data.firstSignatories.map(({ signatory, organisation }) => ({
      name: organisation.name,
      logoUrl: signatory.consentLogo ? logoUrl(organisation.logoFile) : null,
      representative: signatory.consentPublic ? [signatory.representativeName, signatory.representativeFunction].filter(Boolean).join(', ') : '',
    })),
    organisations: data.organisations.map((organisation) => ({
      name: organisation.organisationName,
      website: /^https?:\/\//i.test(organisation.website) ? organisation.website : '',
      logoUrl: organisation.consentLogo ? logoUrl(organisation.logoFile) : null,
    })),
    citizens: formatNumber(citizens),
    citizensText: t('publicPage.citizens.count', { count: citizens }),
    goal,
    latestNames: data.latestNames.map(shortCitizenName),
    comments: data.comments.map((entry) => ({ text: entry.comment, author: entry.showName ? shortCitizenName(entry) : t('publicPage.comments.anonymous') })),
    addressees: data.addresseeLists,
    open,
    closesOn: appeal.supportClosesOn ? formatIsoDate(appeal.supportClosesOn) : '',
    urls,
    metaTags: [
      { attr: 'property', key: 'og:type', content: 'website' },
      { attr: 'property', key: 'og:title', content: appeal.title },
      { attr: 'property', key: 'og:description', content: description },
      { attr: 'property', key: 'og:url', content: urls.page },
      { attr: 'property', key: 'og:image', content: urls.shareImage },
      { attr: 'property', key: 'og:image:width', content: '1200' },
      { attr: 'property', key: 'og:image:height', content: '630' },
      { attr: 'property', key: 'og:locale', content: 'de_DE' },
      { attr: 'name', key: 'twitter:card', content: 'summary_large_image' },
      { attr: 'name', key: 'twitter:title', content: appeal.title },
      { attr: 'name', key: 'twitter:description', content: description },
      { attr: 'name', key: 'twitter:image', content: urls.shareImage },
      { attr: 'name', key: 'description', content: description },
    ],
  };
}

/** The open data of an appeal (`/a/<slug>.json`): no personal data beyond confirmed organisations' names. */
export function presentOpenData(appeal: Appeal, figures: { counts: { citizens: number; organisations: number }; organisations: { organisationName: string; website: string }[] }, baseUrl: string) {
  return {
    title: appeal.title,
    coalition: appeal.coalitionName,
    url: `${baseUrl}/a/${appeal.slug}`,
    state: appeal.state,
    citizens: figures.counts.citizens,
    organisations: figures.counts.organisations,
    goal: appeal.supportGoal > 0 ? appeal.supportGoal : null,
    closesOn: appeal.supportClosesOn || null,
    supporterOrganisations: figures.organisations.map((organisation) => ({ name: organisation.organisationName, website: organisation.website || null })),
  };
}

/** The answers of the addressees once the letter is sent (from replies/): how many answered, and the replies published with consent. */
export type PublishedReplies = { rate: { answered: number; total: number }; replies: { office: string; receivedAt: Date; body: string }[] };

export function presentAnswers(answers: PublishedReplies | undefined) {
  if (!answers || answers.rate.total === 0) return null;
  return {
    rate: t('replies.public.rate', answers.rate),
    replies: answers.replies.map((reply) => ({ heading: t('replies.public.replyFrom', { office: reply.office, date: formatDate(reply.receivedAt) }), body: reply.body })),
  };
}
