// The thanks to a first signatory after sending, with the final letter (the master copy) attached.
import { appealSender } from '../appeals/appeals.mails.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { t } from '../i18n/index.ts';
import { issueLetters } from '../letters/letters.service.ts';
import type { ComposerRegistry } from '../mail/composers.ts';
import { MailNotNeeded } from '../mail/mail.types.ts';
import type { Composer } from '../mail/mail.types.ts';
import { formatDate } from '../shared/dates.ts';
import { createFileStore } from '../shared/file-store.ts';
import { signingRepository } from '../signing/signing.repository.ts';
import { asciiFileName, formatBytes } from './dispatch.mails.ts';
import { organisationList, signingOrganisations } from './letter-subject.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import { SIGNATORY_THANKS_KIND } from './signatory-thanks.service.ts';
import type { SignatoryThanksPayload } from './signatory-thanks.service.ts';

const composeThanks: Composer = async (payload, { db, clock, config, render }) => {
  const { signatoryId, dispatchId } = payload as SignatoryThanksPayload;
  const context = signingRepository(db).findSignatoryContext(signatoryId);
  const dispatch = dispatchRepository(db).findById(dispatchId);
  if (!context || !dispatch) throw new MailNotNeeded(t('mailNotNeeded.signatoryRemoved'));
  const appeal = appealsRepository(db).findById(context.appeal.id);
  if (!appeal) throw new MailNotNeeded(t('dispatch.appealGone'));
  const { master } = await issueLetters({ db, fileStore: createFileStore(config.uploadsDir), clock, baseUrl: config.baseUrl, appeal, day: dispatch.day, selection: { master: true } });
  if (!master) throw new Error('The master letter was not rendered');
  const fileName = asciiFileName(master.fileName);
  const subject = t('thanks.subject', { title: appeal.title });
  const { html, text } = await render('dispatch/signatory-thanks', {
    subject,
    coalitionName: appeal.coalitionName,
    recipientName: context.signatory.representativeName,
    thanks: t('thanks.sentence', { organisation: context.organisation.name, title: appeal.title, date: formatDate(dispatch.finishedAt ?? clock()) }),
    signers: t('thanks.signers', { organisations: organisationList(signingOrganisations({ db, appeal }), 400) }),
    attachment: t('thanks.attachment', { fileName, size: formatBytes(master.bytes.byteLength) }),
    contactName: appeal.contactName,
    contactFunction: appeal.contactFunction,
    closing: appeal.closing || 'Mit freundlichen Grüßen',
    footer: t('mail.footer'),
  });
  return { subject, html, text, ...appealSender(appeal), attachments: [{ filename: fileName, content: master.bytes, contentType: 'application/pdf' }] };
};

export function registerSignatoryThanksMailKind(registry: ComposerRegistry): void {
  registry.register(SIGNATORY_THANKS_KIND, composeThanks);
}
