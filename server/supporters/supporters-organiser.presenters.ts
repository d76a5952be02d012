import { formatNumber, t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatDateTime, formatIsoDate } from '../shared/dates.ts';
import { selectOptions } from '../shared/form-view.ts';
import { renderDayChart } from './supporters-chart.ts';
import { supporterFilters } from './supporters-organiser.service.ts';
import type { SupporterFilter, SupportersPage, SupportersQuery } from './supporters-organiser.service.ts';
import { supporterKinds, supporterStates } from './supporters.table.ts';
import type { Supporter, SupporterKind } from './supporters.table.ts';

const kindLabel = (kind: SupporterKind) => t(`supporters.kind.${kind}` as MessageKey);
const filterLabel = (filter: SupporterFilter) => (filter === 'comments' ? t('supporters.filter.comments') : t(`supporters.state.${filter}` as MessageKey));

const listHref = (slug: string, query: Partial<SupportersQuery>) => {
  const params = new URLSearchParams();
  if (query.filter) params.set('filter', query.filter);
  if (query.kind) params.set('kind', query.kind);
  if (query.page && query.page > 1) params.set('page', String(query.page));
  return `/appeals/${slug}/supporters?${params.toString()}#liste`;
};

/**
 * One row of the list. Organisers see a citizen's e-mail only if the citizen agreed to be kept
 * informed (DESIGN §9: the minimum); an organisation's representative address always, since
 * the request is answered through it.
 */
export function presentSupporterRow(supporter: Supporter, canEdit: boolean) {
  const organisation = supporter.kind === 'organisation';
  const emailShown = organisation || supporter.keepInformed;
  const consents = (['showName', 'consentLogo', 'keepInformed'] as const)
    .filter((consent) => (consent === 'consentLogo' ? organisation && supporter.consentLogo : supporter[consent]))
    .map((consent) => t(`supporters.consent.${consent}` as MessageKey));
  const representative = organisation ? [`${supporter.firstName} ${supporter.lastName}`, supporter.representativeFunction].filter(Boolean).join(', ') : '';
  return {
    id: supporter.id,
    kind: supporter.kind,
    name: organisation ? supporter.organisationName + (supporter.shortName ? ` (${supporter.shortName})` : '') : `${supporter.firstName} ${supporter.lastName}`,
    representative,
    website: organisation ? supporter.website : '',
    logoUrl: organisation && supporter.logoFile ? `/logos/${supporter.logoFile}` : null,
    place: organisation ? supporter.address.split('\n').join(', ') : [supporter.postcode, supporter.place].filter(Boolean).join(' '),
    email: emailShown ? (supporter.email ?? '') : '',
    emailHidden: !emailShown,
    consents: consents.length > 0 ? consents.join(', ') : t('supporters.consent.none'),
    comment: supporter.commentState === 'none' ? '' : supporter.comment,
    commentState: supporter.commentState,
    commentStateLabel: supporter.commentState === 'none' ? '' : t(`supporters.commentState.${supporter.commentState}` as MessageKey),
    stateLabel: t(`supporters.state.${supporter.state}` as MessageKey),
    rejectReason: supporter.state === 'rejected' ? supporter.rejectReason : '',
    date: formatDateTime(supporter.confirmedAt ?? supporter.createdAt),
    canDecide: canEdit && organisation && supporter.state === 'awaiting_approval',
    canModerate: canEdit && supporter.commentState !== 'none',
  };
}

export function presentSupportersPage({ slug, page, days, canEdit, joinOpen }: { slug: string; page: SupportersPage; days: { day: string; count: number }[]; canEdit: boolean; joinOpen: boolean }) {
  const { counts, query } = page;
  const total = days.reduce((sum, entry) => sum + entry.count, 0);
  const chartLabel = t('supporters.chart.label', { from: formatIsoDate(days[0]?.day ?? ''), to: formatIsoDate(days.at(-1)?.day ?? ''), total });
  return {
    counts: supporterKinds.map((kind) => ({ kind, label: kindLabel(kind) })),
    // The table of counts: one row per state, one column per kind.
    countRows: supporterStates.map((state) => ({
      label: filterLabel(state),
      cells: supporterKinds.map((kind) => ({ count: formatNumber(counts[kind][state]), href: listHref(slug, { filter: state, kind }) })),
    })),
    pendingComments: { count: formatNumber(counts.pendingComments), href: listHref(slug, { filter: 'comments' }) },
    filterOptions: selectOptions(supporterFilters.map((filter) => ({ value: filter, label: filterLabel(filter) })), query.filter),
    kindOptions: selectOptions(supporterKinds.map((kind) => ({ value: kind, label: kindLabel(kind) })), query.kind),
    listTitle: query.filter === 'comments' ? t('supporters.list.comments') : t('supporters.list.title', { kind: kindLabel(query.kind), state: filterLabel(query.filter) }),
    rows: page.rows.map((row) => presentSupporterRow(row, canEdit)),
    paging: {
      page: query.page,
      pages: page.pages,
      previous: query.page > 1 ? listHref(slug, { ...query, page: query.page - 1 }) : null,
      next: query.page < page.pages ? listHref(slug, { ...query, page: query.page + 1 }) : null,
    },
    current: query,
    chart: { svg: renderDayChart(days, { label: chartLabel }), label: chartLabel, days: days.map((entry) => ({ day: formatIsoDate(entry.day), count: formatNumber(entry.count) })) },
    canEdit,
    joinLink: joinOpen ? `/a/${slug}/organisation` : null,
    exports: canEdit ? { csv: `/appeals/${slug}/supporters.csv`, xlsx: `/appeals/${slug}/supporters.xlsx` } : null,
  };
}

/** Where an action on the list returns to: the list as it was shown (validated, never a URL from the form). */
export function backToList(slug: string, body: unknown): string {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const filter = supporterFilters.find((candidate) => candidate === source.filter);
  const kind = supporterKinds.find((candidate) => candidate === source.kind);
  const page = Math.max(1, Math.min(1_000_000, Math.floor(Number(source.page)) || 1));
  return listHref(slug, { ...(filter ? { filter } : {}), ...(kind ? { kind } : {}), page });
}
