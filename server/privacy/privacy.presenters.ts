// The readable page of a person's data: the export, as sections of facts and tables.
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatDateTime } from '../shared/dates.ts';
import type { AuditEventExport, MailExport, PersonExport } from './person-export.ts';
import type { RepliesExport } from './reply-data.ts';

type Table = { title: string; headers: string[]; rows: string[][] };
type Section = { title: string; facts: { label: string; value: string }[]; image?: string; tables: Table[] };

const when = (iso: string | null | undefined) => (iso ? formatDateTime(new Date(iso)) : '–');
const yes = (value: boolean) => t(value ? 'privacy.yes' : 'privacy.no');
const label = (key: string) => t(`privacy.field.${key}` as MessageKey);

const mailTable = (mails: MailExport[]): Table => ({
  title: t('privacy.mails'),
  headers: [label('createdAt'), label('recipient'), label('subject'), label('state'), label('sentAt')],
  rows: mails.map((mail) => [when(mail.createdAt), mail.recipient, mail.subject, mail.state, when(mail.sentAt)]),
});

const eventTable = (events: AuditEventExport[]): Table => ({
  title: t('privacy.auditEvents'),
  headers: [label('at'), label('actor'), label('action'), label('detail'), label('network')],
  rows: events.map((event) => [when(event.at), event.actor, t(`audit.action.${event.action}` as MessageKey), event.detail, event.network]),
});

/** The replies to an addressee's letters (text, files, dates) and the bounces and auto-replies. */
const replyTables = (entry: RepliesExport): Table[] => [
  {
    title: t('replies.privacy.replies'),
    headers: [t('replies.privacy.receivedAt'), t('replies.privacy.from'), t('replies.privacy.text'), t('replies.privacy.files'), t('replies.privacy.publishedAt')],
    rows: entry.replies.map((reply) => [
      when(reply.receivedAt),
      [reply.authorName, reply.office, reply.authorEmail].filter(Boolean).join(', ') || '–',
      reply.text || '–',
      reply.files.map((file) => file.fileName).join(', ') || '–',
      when(reply.publishedAt),
    ]),
  },
  {
    title: t('replies.privacy.notices'),
    headers: [t('replies.privacy.receivedAt'), t('replies.privacy.kind'), t('replies.privacy.detail')],
    rows: entry.deliveryNotices.map((notice) => [when(notice.receivedAt), t(notice.kind === 'bounce' ? 'replies.privacy.bounce' : 'replies.privacy.autoReply'), [notice.status, notice.detail].filter(Boolean).join(' ') || '–']),
  },
];

function sections(exported: PersonExport): Section[] {
  const result: Section[] = [];
  for (const entry of exported.representatives) {
    result.push({
      title: t('privacy.section.representative', { organisation: entry.organisation, appeal: entry.appeal.title }),
      facts: [
        { label: label('name'), value: entry.name },
        { label: label('function'), value: entry.function },
        { label: label('email'), value: entry.email },
        { label: label('organisation'), value: entry.organisation },
        { label: label('status'), value: t(`signatory.status.${entry.status}` as MessageKey) },
        { label: label('invitedAt'), value: when(entry.invitedAt) },
        { label: label('signedAt'), value: when(entry.signedAt) },
        { label: label('signedVersion'), value: entry.signedVersion ? `${entry.signedVersion.number} (${entry.signedVersion.sha256.slice(0, 12)}…)` : '–' },
        { label: label('declineReason'), value: entry.declineReason || '–' },
        { label: label('consentPublic'), value: yes(entry.consents.namedInPublic) },
        { label: label('consentLogo'), value: yes(entry.consents.logoInLetter) },
      ],
      ...(entry.signatureImage ? { image: `data:image/png;base64,${entry.signatureImage.pngBase64}` } : {}),
      tables: [
        {
          title: t('privacy.links'),
          headers: [label('purpose'), label('createdAt'), label('expiresAt'), label('revokedAt')],
          rows: entry.linksSent.map((link) => [t(`privacy.linkPurpose.${link.purpose}` as MessageKey), when(link.createdAt), when(link.expiresAt), when(link.revokedAt)]),
        },
        mailTable(entry.mails),
        eventTable(entry.auditEvents),
      ],
    });
  }
  for (const entry of exported.addressees) {
    const person = entry.entry;
    result.push({
      title: t('privacy.section.addressee', { list: entry.list }),
      facts: [
        { label: label('name'), value: [person.salutation, person.title, person.firstName, person.lastName].filter(Boolean).join(' ') },
        { label: label('function'), value: person.function },
        { label: label('institution'), value: [person.institution, person.department].filter(Boolean).join(', ') },
        { label: label('address'), value: [person.street, `${person.postcode} ${person.city}`.trim()].filter(Boolean).join(', ') },
        { label: label('email'), value: person.email },
        { label: label('note'), value: person.note || '–' },
      ],
      tables: [
        {
          title: t('privacy.letters'),
          headers: [label('appeal'), label('code'), label('renderedAt'), label('sentAt')],
          rows: entry.letters.map((letter) => [letter.appeal, letter.code, when(letter.renderedAt), when(letter.sentAt)]),
        },
        {
          title: t('privacy.deliveries'),
          headers: [label('appeal'), label('recipient'), label('channel'), label('state'), label('sentAt')],
          rows: entry.deliveries.map((delivery) => [delivery.appeal, `${delivery.label} ${delivery.email}`.trim(), delivery.channel, delivery.state ?? '–', when(delivery.sentAt)]),
        },
        ...replyTables(entry),
        mailTable(entry.mails),
        eventTable(entry.auditEvents),
      ],
    });
  }
  for (const entry of exported.supporters) {
    result.push({
      title: t(entry.organisation ? 'supporterPrivacy.section.organisation' : 'supporterPrivacy.section.citizen', { appeal: entry.appeal.title, organisation: entry.organisation?.name ?? '' }),
      facts: [
        { label: label('name'), value: `${entry.firstName} ${entry.lastName}`.trim() || '–' },
        ...(entry.organisation
          ? [
              { label: label('organisation'), value: entry.organisation.name },
              { label: label('function'), value: entry.organisation.function || '–' },
              { label: label('address'), value: entry.organisation.address.replace(/\n/g, ', ') || '–' },
            ]
          : [{ label: label('address'), value: `${entry.postcode} ${entry.place}`.trim() || '–' }]),
        { label: label('email'), value: entry.email ?? t('supporterPrivacy.emailDropped') },
        { label: label('status'), value: t(`supporterPrivacy.state.${entry.state}` as MessageKey) },
        { label: t('supporterPrivacy.field.comment'), value: entry.comment || '–' },
        { label: t('supporterPrivacy.field.nameShown'), value: yes(entry.consents.nameShown) },
        { label: t('supporterPrivacy.field.keepInformed'), value: yes(entry.consents.keepInformed) },
        { label: label('createdAt'), value: when(entry.createdAt) },
        { label: t('supporterPrivacy.field.confirmedAt'), value: when(entry.confirmedAt) },
        { label: t('supporterPrivacy.field.withdrawnAt'), value: when(entry.withdrawnAt) },
      ],
      tables: [],
    });
  }
  if (exported.organiser) {
    const { account, memberships, sessions, addresseeLists, mails, auditEvents } = exported.organiser;
    result.push({
      title: t('privacy.section.organiser'),
      facts: [
        { label: label('name'), value: account.name },
        { label: label('email'), value: account.email },
        { label: label('createdAt'), value: when(account.createdAt) },
        { label: label('lists'), value: addresseeLists.join(', ') || '–' },
      ],
      tables: [
        { title: t('privacy.memberships'), headers: [label('appeal'), label('role'), label('since')], rows: memberships.map((m) => [m.appeal, t(`role.${m.role}` as MessageKey), when(m.since)]) },
        { title: t('privacy.sessions'), headers: [label('createdAt'), label('lastSeenAt'), label('expiresAt')], rows: sessions.map((s) => [when(s.createdAt), when(s.lastSeenAt), when(s.expiresAt)]) },
        mailTable(mails),
        eventTable(auditEvents),
      ],
    });
  }
  return result;
}

/** The page of one person's data. */
export function presentPersonData(exported: PersonExport) {
  return { exportedAt: when(exported.exportedAt), email: exported.email, sections: sections(exported) };
}

/** The file name of the JSON download. */
export const exportFileName = (exported: PersonExport, kind: string) => `${exported.exportedAt.slice(0, 10)}_daten_${kind}.json`;
