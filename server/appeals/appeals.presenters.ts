import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatDateTime, formatIsoDate } from '../shared/dates.ts';
import { selectOptions } from '../shared/form-view.ts';
import { formValues } from '../shared/form.ts';
import { letterHtml, letterTextWarnings } from './letter-text.ts';
import { appealKinds, publicFromOptions, roles } from './appeals.table.ts';
import type { Appeal, AppealKind, AppealState, Role } from './appeals.table.ts';
import { hasRole } from './appeal-roles.ts';
import { mayDelete, mayEditSignatoryList, mayEditText } from './appeal-lifecycle.ts';

export const kindLabel = (kind: AppealKind) => t(`appeal.kind.${kind}` as MessageKey);
export const stateLabel = (state: AppealState) => t(`appeal.state.${state}` as MessageKey);
export const roleLabel = (role: Role) => t(`role.${role}` as MessageKey);

export const kindOptions = (current: string) =>
  selectOptions(appealKinds.map((kind) => ({ value: kind, label: kindLabel(kind) })), current);

export const roleOptions = (current: string) =>
  selectOptions(roles.map((role) => ({ value: role, label: roleLabel(role) })), current);

const appealBasics = (appeal: Appeal, role: Role) => ({
  slug: appeal.slug,
  title: appeal.title,
  coalitionName: appeal.coalitionName,
  kindLabel: kindLabel(appeal.kind),
  state: appeal.state,
  stateLabel: stateLabel(appeal.state),
  roleLabel: roleLabel(role),
});

export function presentAppealListItem({ appeal, role }: { appeal: Appeal; role: Role }) {
  return { ...appealBasics(appeal, role), updatedAt: formatDateTime(appeal.updatedAt) };
}

/** The header every page of an appeal shows, and what the organiser may do there. */
export function presentAppealHeader(appeal: Appeal, role: Role, activeTab: string) {
  return {
    ...appealBasics(appeal, role),
    canEdit: hasRole(role, 'editor'),
    isOwner: hasRole(role, 'owner'),
    textEditable: hasRole(role, 'editor') && mayEditText(appeal),
    signatoriesEditable: hasRole(role, 'editor') && mayEditSignatoryList(appeal),
    deletable: hasRole(role, 'owner') && mayDelete(appeal),
    tabs: [
      { id: 'overview', href: `/appeals/${appeal.slug}`, label: t('appeal.tab.overview') },
      { id: 'text', href: `/appeals/${appeal.slug}/edit`, label: t('appeal.tab.text') },
      { id: 'signatories', href: `/appeals/${appeal.slug}/signatories`, label: t('appeal.tab.signatories') },
      { id: 'signing', href: `/appeals/${appeal.slug}/signing`, label: t('appeal.tab.signing') },
      { id: 'addressees', href: `/appeals/${appeal.slug}/addressees`, label: t('appeal.tab.addressees') },
      { id: 'dispatch', href: `/appeals/${appeal.slug}/dispatch`, label: t('appeal.tab.dispatch') },
      { id: 'replies', href: `/appeals/${appeal.slug}/replies`, label: t('replies.inbox.tab') },
      { id: 'mail', href: `/appeals/${appeal.slug}/mail`, label: t('appeal.tab.mail') },
      { id: 'members', href: `/appeals/${appeal.slug}/members`, label: t('appeal.tab.members') },
    ].map((tab) => ({ ...tab, current: tab.id === activeTab })),
  };
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

/** The letter as the organiser previews it in the browser (the PDF comes from the same data). */
export function presentLetterPreview(appeal: Pick<Appeal, 'title' | 'subtitle' | 'body' | 'closing' | 'salutationOverride' | 'place' | 'letterDate' | 'ccLines' | 'attachmentLines'>) {
  return {
    title: appeal.title,
    subtitleLines: lines(appeal.subtitle),
    salutation: appeal.salutationOverride || t('letter.defaultSalutation'),
    bodyHtml: letterHtml(appeal.body, 'preview-'),
    isEmpty: appeal.body.trim() === '',
    textWarnings: letterTextWarnings(appeal.body).map((warning) => t(`letterText.warn.${warning}`)),
    closing: appeal.closing,
    placeAndDate: [appeal.place, appeal.letterDate ? formatIsoDate(appeal.letterDate) : ''].filter(Boolean).join(', '),
    ccLines: lines(appeal.ccLines),
    attachmentLines: lines(appeal.attachmentLines),
  };
}

export function presentAppealFacts(appeal: Appeal) {
  return [
    { label: t('appeal.field.kind'), value: kindLabel(appeal.kind) },
    { label: t('appeal.field.coalitionName'), value: appeal.coalitionName },
    { label: t('appeal.field.place'), value: appeal.place },
    { label: t('appeal.field.letterDate'), value: appeal.letterDate ? formatIsoDate(appeal.letterDate) : t('appeal.letterDate.onRender') },
    { label: t('appeal.field.reference'), value: appeal.reference },
    {
      label: t('appeal.contact'),
      value: [appeal.contactName, appeal.contactFunction, appeal.contactEmail, appeal.contactPhone].filter(Boolean).join(' · '),
    },
    ...presentPublicSettings(appeal),
  ].filter((fact) => fact.value !== '');
}

const yesNo = (value: boolean) => (value ? t('common.yes') : t('common.no'));

/** The public page and the supporters in the letter, as the overview lists them. */
export function presentPublicSettings(appeal: Pick<Appeal, 'publicPage' | 'publicFrom' | 'supportClosesOn' | 'supportGoal' | 'letterNamesSupporters' | 'letterCountsCitizens' | 'supporterListAttached' | 'signingRecordAttached'>) {
  return [
    { label: t('appeal.field.publicPage'), value: appeal.publicPage ? t(`appealPublic.from.${appeal.publicFrom}.fact` as MessageKey) : t('common.no') },
    { label: t('appealPublic.field.supportClosesOn'), value: appeal.supportClosesOn ? formatIsoDate(appeal.supportClosesOn) : '' },
    { label: t('appealPublic.field.supportGoal'), value: appeal.supportGoal > 0 ? appeal.supportGoal.toLocaleString('de-DE') : '' },
    { label: t('appealPublic.fact.letterNamesSupporters'), value: yesNo(appeal.letterNamesSupporters) },
    { label: t('appealPublic.fact.letterCountsCitizens'), value: yesNo(appeal.letterCountsCitizens) },
    { label: t('appealPublic.fact.supporterListAttached'), value: yesNo(appeal.supporterListAttached) },
    { label: t('appealPublic.fact.signingRecordAttached'), value: yesNo(appeal.signingRecordAttached) },
  ];
}

/** The appeal as its edit form shows it first (no goal = an empty field, not "0"). */
export function appealFormValues(appeal: Appeal): Record<string, string> {
  return formValues({ ...appeal, supportGoal: appeal.supportGoal > 0 ? appeal.supportGoal : '' });
}

/** The two choices of when the public page appears, as radio buttons. */
export const publicFromChoices = (current: string) =>
  publicFromOptions.map((value) => ({ value, label: t(`appealPublic.from.${value}` as MessageKey), checked: (current || 'signing') === value }));
