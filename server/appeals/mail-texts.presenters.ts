import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatIsoDate } from '../shared/dates.ts';
import { kindLabel } from './appeals.presenters.ts';
import type { Appeal } from './appeals.table.ts';
import { placeholdersOf, renderMailText } from './mail-texts.ts';
import type { MailTemplate } from './mail-texts.ts';
import { mailTextKinds } from './mail-texts.table.ts';
import type { MailTextKind } from './mail-texts.table.ts';

export const mailTextLabel = (kind: MailTextKind) => t(`mailTexts.kind.${kind}` as MessageKey);

/** The values a preview shows: the appeal's own, a sample organisation and person for the rest. */
export function sampleValues(appeal: Appeal, kind: MailTextKind): Record<string, string> {
  const contact = appeal.contactName || appeal.coalitionName;
  if (kind === 'cover') {
    return {
      letter: `${t(`dispatch.kindPhrase.${appeal.kind}` as MessageKey)} „${appeal.title}“`,
      appeal: appeal.title,
      organisations: t('mailTexts.sample.organisations'),
      coalition: appeal.coalitionName,
      contact,
      addressee: t('mailTexts.sample.addressee'),
    };
  }
  return {
    organisation: t('mailTexts.sample.organisation'),
    representative: t('mailTexts.sample.representative'),
    appeal: appeal.title,
    kind: kindLabel(appeal.kind),
    coalition: appeal.coalitionName,
    contact,
    deadline: appeal.signingDeadline ? formatIsoDate(appeal.signingDeadline) : t('mailTexts.sample.deadline'),
    link: t('mailTexts.sample.link'),
  };
}

/** The three editable mails with whether each uses the appeal's own wording. */
export const presentMailTextList = (slug: string, customKinds: Set<MailTextKind>) =>
  mailTextKinds.map((kind) => ({
    kind,
    label: mailTextLabel(kind),
    description: t(`mailTexts.describe.${kind}` as MessageKey),
    state: t(customKinds.has(kind) ? 'mailTexts.state.custom' : 'mailTexts.state.default'),
    href: `/appeals/${slug}/mail-texts/${kind}`,
  }));

/** The preview as the mail will read: subject, greeting, the text with sample values, and what follows. */
export function presentMailTextPreview(appeal: Appeal, kind: MailTextKind, template: MailTemplate) {
  const values = sampleValues(appeal, kind);
  const rendered = renderMailText(template, values);
  return {
    subject: rendered.subject || t('mailTexts.preview.generatedSubject'),
    greeting: kind === 'cover' ? t('mailTexts.sample.salutation') : t('mailTexts.preview.greeting', { name: values.representative ?? '' }),
    paragraphs: rendered.paragraphs.map((paragraph) => paragraph.text),
    after: t(`mailTexts.preview.after.${kind}` as MessageKey),
    placeholders: placeholdersOf[kind].map((name) => ({ name: `{{${name}}}`, meaning: t(`mailTexts.placeholder.${name}` as MessageKey), sample: values[name] ?? '' })),
  };
}
