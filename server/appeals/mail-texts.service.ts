// Editable mail texts per appeal: read the form, save, reset to the default, and the wording a
// composer uses (the appeal's own, or the catalogue's default when none is stored).
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { conflict } from '../shared/app-error.ts';
import { readForm } from '../shared/form.ts';
import type { FormResult } from '../shared/form.ts';
import { hasSendingStarted } from './appeal-lifecycle.ts';
import type { Appeal } from './appeals.table.ts';
import { checkMailText, defaultMailText } from './mail-texts.ts';
import type { MailTemplate, MailTextSet } from './mail-texts.ts';
import { mailTextsRepository } from './mail-texts.repository.ts';
import type { MailTextKind } from './mail-texts.table.ts';

/** The wording a mail of this appeal uses now; `custom` tells whether the organiser changed it. */
export function mailTextFor({ db, appeal, kind }: { db: Db; appeal: Pick<Appeal, 'id'>; kind: MailTextSet }): MailTemplate & { custom: boolean } {
  const stored = kind === 'reconfirmation' ? undefined : mailTextsRepository(db).find(appeal.id, kind);
  return stored ? { subject: stored.subject, body: stored.body, custom: true } : { ...defaultMailText(kind), custom: false };
}

/** The texts can change until sending has started (afterwards no such mail goes out). */
export const mayEditMailTexts = (appeal: Pick<Appeal, 'state'>) => !hasSendingStarted(appeal);

export function readMailTextForm(kind: MailTextKind, body: unknown): FormResult<MailTemplate> {
  const form = readForm(body);
  const subject = form.line('subject', { required: kind !== 'cover', max: 200 });
  const text = form.text('body', { required: true, max: 5000 });
  const { errors, params } = checkMailText(kind, { subject, body: text });
  for (const [field, key] of Object.entries(errors)) form.fail(field, key, params[field]);
  return form.result({ subject, body: text });
}

export function saveMailText({ db, clock, appeal, kind, text, organiserId }: { db: Db; clock: Clock; appeal: Appeal; kind: MailTextKind; text: MailTemplate; organiserId: number }): void {
  if (!mayEditMailTexts(appeal)) throw conflict('mailTexts.locked');
  mailTextsRepository(db).save({ appealId: appeal.id, kind, subject: text.subject, body: text.body, updatedBy: organiserId, updatedAt: clock() });
}

/** Back to the catalogue's wording: the row goes, so later improvements of the default apply. */
export function resetMailText({ db, appeal, kind }: { db: Db; appeal: Appeal; kind: MailTextKind }): void {
  if (!mayEditMailTexts(appeal)) throw conflict('mailTexts.locked');
  mailTextsRepository(db).remove(appeal.id, kind);
}
