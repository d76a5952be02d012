import { t } from '../i18n/index.ts';
import { formatDateTime } from '../shared/dates.ts';
import type { LetterRecipient } from './letter-model.ts';
import type { VerificationView } from './letter-pdf.service.ts';

/** Option value of a recipient in the preview picker: a<addresseeId> or l<listId> (collective letter). */
export const recipientKey = (recipient: LetterRecipient) => (recipient.addresseeId !== null ? `a${recipient.addresseeId}` : `l${recipient.listId}`);

export function presentRecipientOptions(recipients: LetterRecipient[]) {
  return recipients.map((recipient) => ({ value: recipientKey(recipient), label: `${recipient.label}${recipient.email ? '' : ' (ohne E-Mail)'}` }));
}

type Snapshot = { name: string; function: string; organisation: string; signedAt: string | null };

export function presentVerification(found: VerificationView) {
  const { document, appeal } = found;
  const signatories = (JSON.parse(document.signatories) as Snapshot[]).map((entry) => ({
    name: entry.name,
    function: entry.function,
    organisation: entry.organisation,
    signed: entry.signedAt ? t('verify.signedAt', { date: formatDateTime(new Date(entry.signedAt)) }) : t('verify.notSigned'),
  }));
  return {
    code: document.code,
    appealTitle: appeal.title,
    coalition: appeal.coalitionName,
    kind: document.kind === 'master' ? t('verify.kind.master') : document.kind === 'print' ? t('verify.kind.print') : t('verify.kind.personal'),
    draft: document.draft,
    version: document.textVersionHash,
    versionShort: document.textVersionHash.slice(0, 12),
    addressLines: document.addressLines ? document.addressLines.split('\n') : [],
    rendered: formatDateTime(document.renderedAt),
    sent: document.sentAt ? formatDateTime(document.sentAt) : t('verify.notSent'),
    pages: document.pageCount,
    sha256: document.sha256,
    signatories,
  };
}
