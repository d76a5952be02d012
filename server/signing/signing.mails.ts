// The co-signing e-mails, composed by the outbox worker when they are sent.
import { appealSender } from '../appeals/appeals.mails.ts';
import { isOpenForSigning } from '../appeals/appeal-lifecycle.ts';
import { kindLabel } from '../appeals/appeals.presenters.ts';
import { renderMailText } from '../appeals/mail-texts.ts';
import type { MailTextSet } from '../appeals/mail-texts.ts';
import { mailTextFor } from '../appeals/mail-texts.service.ts';
import { t } from '../i18n/index.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { ComposerRegistry, MailKindHooks } from '../mail/composers.ts';
import { MailNotNeeded } from '../mail/mail.types.ts';
import type { Composer } from '../mail/mail.types.ts';
import { formatIsoDate } from '../shared/dates.ts';
import { hashToken, openSealedToken } from '../shared/tokens.ts';
import { signingRepository } from './signing.repository.ts';
import type { SigningMailKind, SigningMailPayload } from './signing.service.ts';

function composerFor(kind: SigningMailKind): Composer {
  return async (payload, { db, config, render }) => {
    const { signatoryId, sealedToken } = payload as SigningMailPayload;
    const repository = signingRepository(db);
    const context = repository.findSignatoryContext(signatoryId);
    if (!context) throw new MailNotNeeded(t('mailNotNeeded.signatoryRemoved'));
    const token = openSealedToken(sealedToken, config.sessionSecret);
    const link = repository.findLink(hashToken(token));
    // A newer link (resend, reminder) or a revocation makes this message pointless.
    if (!link || link.link.revokedAt) throw new MailNotNeeded(t('mailNotNeeded.linkReplaced'));
    const { appeal, organisation, signatory } = context;
    const confirmation = kind === 'signing-confirmation';
    // A confirmation still goes out after finalising, just without the withdraw link.
    if (!isOpenForSigning(appeal) && !confirmation) throw new MailNotNeeded(t('mailNotNeeded.signingClosed'));
    const url = `${config.baseUrl}/${confirmation ? 'w' : 's'}/${token}`;
    // Invitation and reminder in the appeal's own words (or the default); placeholders filled as text.
    const own = confirmation ? undefined : renderMailText(mailTextFor({ db, appeal, kind: textSetOf[kind] }), {
      organisation: organisation.name,
      representative: signatory.representativeName,
      appeal: appeal.title,
      kind: kindLabel(appeal.kind),
      coalition: appeal.coalitionName,
      contact: appeal.contactName || appeal.coalitionName,
      deadline: appeal.signingDeadline ? formatIsoDate(appeal.signingDeadline) : '',
      link: url,
    }, { buttonLabel: t('mailTexts.button.signing') });
    const subject = own ? own.subject : t(`mail.${kind}.subject` as 'mail.signing-invitation.subject', { title: appeal.title, organisation: organisation.name });
    const { html, text } = await render(confirmation ? 'signing/signing-confirmation' : 'signing/signing-request', {
      subject,
      kind,
      intro: t(`mail.${kind}.intro` as 'mail.signing-invitation.intro', {
        contact: appeal.contactName,
        coalition: appeal.coalitionName,
        organisation: organisation.name,
        kind: kindLabel(appeal.kind),
        title: appeal.title,
      }),
      recipientName: signatory.representativeName,
      appealTitle: appeal.title,
      coalitionName: appeal.coalitionName,
      organisationName: organisation.name,
      deadline: appeal.signingDeadline ? formatIsoDate(appeal.signingDeadline) : '',
      expires: link.link.expiresAt ? link.link.expiresAt : null,
      link: url,
      bodyHtml: own?.html ?? '',
      bodyText: own?.text ?? '',
      canWithdraw: isOpenForSigning(appeal),
      contactName: appeal.contactName,
      contactFunction: appeal.contactFunction,
      contactEmail: appeal.contactEmail,
      contactPhone: appeal.contactPhone,
      footer: t('mail.footer'),
    });
    return {
      subject,
      html,
      text,
      ...appealSender(appeal),
    };
  };
}

const textSetOf: Record<Exclude<SigningMailKind, 'signing-confirmation'>, MailTextSet> = {
  'signing-invitation': 'invitation',
  'signing-reminder': 'reminder',
  'signing-reconfirmation': 'reconfirmation',
};

const mailLabels: Record<SigningMailKind, string> = {
  'signing-invitation': 'Einladung',
  'signing-reminder': 'Erinnerung',
  'signing-reconfirmation': 'Bitte um erneute Bestätigung',
  'signing-confirmation': 'Bestätigung der Unterschrift',
};

/** A co-signing mail that the mail server accepted becomes an audit event of its appeal. */
export const recordSigningMailSent: MailKindHooks['onOutcome'] = (row, { db, clock }) => {
  if (row.state !== 'sent') return;
  const { signatoryId } = JSON.parse(row.payload) as SigningMailPayload;
  const context = signingRepository(db).findSignatoryContext(signatoryId);
  if (!context) return;
  recordAudit({
    db,
    clock,
    appealId: context.appeal.id,
    actor: 'System',
    action: 'mail_sent',
    detail: `${mailLabels[row.kind as SigningMailKind] ?? row.kind} an ${row.recipient} (${row.messageId ?? ''})`,
  });
};

export const signingComposers = {
  'signing-invitation': composerFor('signing-invitation'),
  'signing-reminder': composerFor('signing-reminder'),
  'signing-reconfirmation': composerFor('signing-reconfirmation'),
  'signing-confirmation': composerFor('signing-confirmation'),
} satisfies Record<SigningMailKind, Composer>;

/** The co-signing mail kinds, for the worker's registry: each sent one is recorded in the audit trail. */
export function registerSigningMailKinds(registry: ComposerRegistry): void {
  for (const [kind, composer] of Object.entries(signingComposers)) registry.register(kind, composer, { onOutcome: recordSigningMailSent });
}
