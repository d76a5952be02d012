import { t } from '../i18n/index.ts';
import { formatDateTime } from '../shared/dates.ts';
import type { VerificationView } from './letter-documents.service.ts';
import type { LetterSelection } from './letters.service.ts';
import { channelOf } from './recipients.ts';
import type { LetterRecipient } from './recipients.ts';

/** Option value of a recipient in the preview picker: a<addresseeId> or l<listId> (collective letter). */
const recipientKey = (recipient: LetterRecipient) => (recipient.addresseeId !== null ? `a${recipient.addresseeId}` : `l${recipient.listId}`);

/** The letter a picker value names, or undefined when it names none. */
export function selectionOfKey(value: string): LetterSelection['personal'] | undefined {
  const match = /^([al])(\d{1,10})$/.exec(value);
  if (!match) return undefined;
  return match[1] === 'a' ? { addresseeId: Number(match[2]) } : { listId: Number(match[2]) };
}

function presentRecipientOptions(recipients: LetterRecipient[]) {
  return recipients.map((recipient) => ({ value: recipientKey(recipient), label: `${recipient.label}${recipient.email ? '' : ' (ohne E-Mail)'}` }));
}

/** The letters page: recipients to preview, how many go by post, and the warnings. */
export function presentLetterPage({ appeal, personal, warnings, emptyBody, checking = false, checkFailed = '' }: { appeal: { slug: string; title: string; draft: boolean }; personal: LetterRecipient[]; warnings: string[]; emptyBody: boolean; checking?: boolean; checkFailed?: string }) {
  return {
    appeal,
    recipients: presentRecipientOptions(personal),
    personalCount: personal.length,
    withoutEmailCount: personal.filter((recipient) => channelOf(recipient) === 'post').length,
    warnings,
    emptyBody,
    checking,
    checkFailed,
  };
}

type Snapshot = { name: string; function: string; organisation: string; signedAt: string | null };

/**
 * The verification page. Of the signatories printed in the letter it names only those who
 * signed and still agree to be named (`named`: publiclyNamedSignatories of the appeal).
 */
export function presentVerification(found: VerificationView, named: { name: string; organisation: string }[]) {
  const { document, appeal } = found;
  const isNamed = (entry: Snapshot) => entry.signedAt !== null && named.some((person) => person.name === entry.name && person.organisation === entry.organisation);
  const signatories = (JSON.parse(document.signatories) as Snapshot[]).filter(isNamed).map((entry) => ({
    name: entry.name,
    function: entry.function,
    organisation: entry.organisation,
    signed: entry.signedAt ? t('verify.signedAt', { date: formatDateTime(new Date(entry.signedAt)) }) : t('verify.notSigned'),
  }));
  return {
    code: document.code,
    appealTitle: appeal.title,
    coalition: appeal.coalitionName,
    kind: document.kind === 'master' ? t('verify.kind.master') : document.kind === 'print' ? t('verify.kind.print') : document.kind === 'supporter_list' ? t('verify.kind.supporterList') : document.kind === 'signing_record' ? t('verify.kind.signingRecord') : t('verify.kind.personal'),
    draft: document.draft,
    version: document.textVersionHash,
    addressLines: document.addressLines ? document.addressLines.split('\n') : [],
    rendered: formatDateTime(document.renderedAt),
    sent: document.sentAt ? formatDateTime(document.sentAt) : t('verify.notSent'),
    pages: document.pageCount,
    sha256: document.sha256,
    /** The seal's holder when the file is sealed. */
    sealedBy: document.sealedBy,
    signatories,
  };
}
