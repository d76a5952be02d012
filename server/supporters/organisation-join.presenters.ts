import { t } from '../i18n/index.ts';
import { formatIsoDate } from '../shared/dates.ts';
import type { FormView } from '../shared/form-view.ts';
import { MAX_LOGO_BYTES } from '../signatories/logos.ts';
import { HONEYPOT_FIELD } from './organisation-join.service.ts';
import type { JoinPage } from './organisation-join.service.ts';

/**
 * The join form page: the form (as typed, with messages), its timing stamp and honeypot; or
 * the page after sending, or the notice that the appeal no longer takes supporters. After a
 * failed send the logo field says that the file has to be chosen again (browsers forget it).
 */
export function presentJoinPage(
  { appeal, closed }: JoinPage,
  { form, formStamp, sent = false, logoAgain = false }: { form: FormView; formStamp: string; sent?: boolean; logoAgain?: boolean },
) {
  const logoHint = t('orgJoin.hint.logo', { mb: MAX_LOGO_BYTES / 1024 / 1024 });
  return {
    title: t('orgJoin.title', { title: appeal.title }),
    appeal: { slug: appeal.slug, title: appeal.title, coalitionName: appeal.coalitionName, closesOn: formatIsoDate(appeal.supportClosesOn) },
    closed,
    sent,
    form,
    formStamp,
    honeypot: HONEYPOT_FIELD,
    logoHint: logoAgain ? `${t('orgJoin.logoAgain')} ${logoHint}` : logoHint,
  };
}
