import { APPEAL_LETTER_KIND, createAppealLetterComposer } from '../dispatch/dispatch.mails.ts';
import { composeMemberAdded } from '../appeals/appeals.mails.ts';
import { recordSigningMailSent, signingComposers } from '../signing/signing.mails.ts';
import type { ComposerRegistry } from './composers.ts';

/**
 * Every kind of e-mail the app sends, registered once for the worker. A domain that sends
 * mail adds one line here: its kind and the composer that builds the message at send time.
 */
export function registerMailKinds(registry: ComposerRegistry): ComposerRegistry {
  registry.register('member-added', composeMemberAdded);
  for (const [kind, composer] of Object.entries(signingComposers)) registry.register(kind, composer, { onOutcome: recordSigningMailSent });
  const letters = createAppealLetterComposer();
  registry.register(APPEAL_LETTER_KIND, letters.composer, letters.hooks);
  return registry;
}
