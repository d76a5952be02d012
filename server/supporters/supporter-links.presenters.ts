// The citizens' form and the pages behind their links, as the views show them: pure functions.
import type { Appeal } from '../appeals/appeals.table.ts';
import { t } from '../i18n/index.ts';
import { formatIsoDate } from '../shared/dates.ts';
import type { LinkResult } from './citizen-sign.service.ts';

export function presentSignForm(appeal: Appeal, { open, retentionDays, maxComment }: { open: boolean; retentionDays: number | undefined; maxComment: number }) {
  return {
    appeal: { title: appeal.title, slug: appeal.slug, coalitionName: appeal.coalitionName },
    open,
    closesOn: appeal.supportClosesOn ? formatIsoDate(appeal.supportClosesOn) : '',
    privacyText: t('citizen.form.privacy', {
      coalition: appeal.coalitionName,
      deletion: retentionDays ? t('citizen.form.privacyDays', { count: retentionDays }) : t('citizen.form.privacyAfterSending'),
    }),
    maxComment,
  };
}

type LinkPage = { status: number; view: Record<string, unknown> };

/** The page behind a confirm link: confirmed, waiting for approval, used before, expired, unknown. */
export function presentLinkPage(result: LinkResult): LinkPage {
  if (result.ok) {
    const { appeal } = result.found;
    const summary = { title: appeal.title, slug: appeal.slug, coalitionName: appeal.coalitionName };
    const key = ({ confirmed: 'confirmed', awaiting_approval: 'awaitingApproval', already: 'already', withdrawn: 'withdrawn' } as const)[result.outcome];
    return { status: 200, view: { title: t(`citizen.link.${key}.title`), heading: t(`citizen.link.${key}.title`), text: t(`citizen.link.${key}.text`, { title: appeal.title }), appeal: summary, success: result.outcome === 'confirmed' || result.outcome === 'awaiting_approval' } };
  }
  const appeal = result.appeal ? { title: result.appeal.title, slug: result.appeal.slug, coalitionName: result.appeal.coalitionName } : null;
  const status = result.problem === 'unknown' ? 404 : result.problem === 'expired' ? 410 : 409;
  return { status, view: { title: t(`citizen.link.${result.problem}.title`), heading: t(`citizen.link.${result.problem}.title`), text: t(`citizen.link.${result.problem}.text`, { title: appeal?.title ?? '' }), appeal, signAgain: result.problem === 'expired', success: false } };
}
