import { describe, expect, it } from 'vitest';
import { renderMailText } from '../../server/appeals/mail-texts.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeFinalAppeal, makeOrganiser, makeSignatory, submitForm } from '../helpers/factories.ts';
import { fieldError, fieldValue, pageText } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

async function setup() {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url() } });
  const owner = await makeOrganiser(test.db, { name: 'Andrea Beispiel', email: 'andrea@buendnis.example' });
  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });
  const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
  return { ...test, sink, time, owner, browser, worker };
}

describe('editable mail texts', () => {
  it('rejects unknown placeholders and a missing link at the field, keeping what was typed', async () => {
    const s = await setup();
    const appeal = makeAppeal(s.db, s.owner.organiser.id, { title: 'Integration sichern' });
    const page = `/appeals/${appeal.slug}/mail-texts/invitation`;
    const shown = await s.browser.get(page).expect(200);
    expect(fieldValue(shown.text, 'subject')).toBe('Bitte um Mitzeichnung: {{appeal}}');
    expect(pageText(shown.text)).toContain('Bitte um Mitzeichnung: Integration sichern');

    const unknown = await submitForm(s.browser, page, page, { subject: 'Bitte um {{titel}}', body: 'Hallo {{link}}', action: 'save' });
    expect(unknown.status).toBe(422);
    expect(fieldError(unknown.text, 'subject')).toContain('{{titel}} kennt Mitzeichnen nicht');
    expect(fieldValue(unknown.text, 'subject')).toBe('Bitte um {{titel}}');

    const noLink = await submitForm(s.browser, page, page, { subject: 'Bitte: {{appeal}}', body: 'Lieber Verband, bitte unterschreiben.', action: 'save' });
    expect(noLink.status).toBe(422);
    expect(fieldError(noLink.text, 'body')).toContain('{{link}}');
    expect(noLink.text).toContain('Lieber Verband, bitte unterschreiben.');

    const linkInSubject = await submitForm(s.browser, page, page, { subject: 'Hier: {{link}}', body: '{{link}}', action: 'save' });
    expect(fieldError(linkInSubject.text, 'subject')).toContain('gehört in den Text');
  });

  it('sends the invitation in the organiser’s words, as text: markup escaped, no header injection; reset brings the default back', async () => {
    const s = await setup();
    const appeal = makeAppeal(s.db, s.owner.organiser.id, { title: 'Integration sichern', body: 'Wir fordern etwas.' });
    await makeSignatory(s.db, s.fileStore, appeal, { name: 'AWO Kreisverband Kleve e.V.', representativeName: 'Rainer Janssen', representativeEmail: 'vorsitz@awo.example' });
    const page = `/appeals/${appeal.slug}/mail-texts/invitation`;
    const preview = await submitForm(s.browser, page, page, { subject: 'Mitzeichnen für {{organisation}}', body: 'Liebe <b>Freunde</b> von {{organisation}}, <%= it.link %>\n\nBis {{deadline}} bitte.\n\n{{link}}', action: 'preview' });
    expect(preview.status).toBe(200);
    expect(pageText(preview.text)).toContain('Mitzeichnen für AWO Kreisverband Kleve e. V.');

    const saved = await submitForm(s.browser, page, page, { subject: 'Mitzeichnen für {{organisation}}', body: 'Liebe <b>Freunde</b> von {{organisation}}, <%= it.link %>\n\nBis {{deadline}} bitte.\n\n{{link}}', action: 'save' });
    expect(saved.status).toBe(303);
    const opened = await submitForm(s.browser, `/appeals/${appeal.slug}/signing`, `/appeals/${appeal.slug}/signing/open`, { deadline: '' });
    expect(opened.status).toBe(303);
    await s.worker.runOnce();
    const mail = s.sink.received.at(-1)!.parsed;
    expect(mail.subject).toBe('Mitzeichnen für AWO Kreisverband Kleve e.V.');
    expect(mail.text).toContain('Liebe <b>Freunde</b> von AWO Kreisverband Kleve e.V., <%= it.link %>');
    // No deadline set: the paragraph that names it is left out.
    expect(mail.text).not.toContain('Bis  bitte');
    expect(mail.text).toMatch(/http:\/\/mitzeichnen\.test\/s\/[A-Za-z0-9_-]{43}/);
    expect(mail.html).toContain('Liebe &lt;b&gt;Freunde&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Freunde');
    expect(mail.html).toContain('Brief lesen und antworten');

    const confirm = await s.browser.get(`${page}/reset`).expect(200);
    expect(pageText(confirm.text)).toContain('Standardtext');
    const reset = await submitForm(s.browser, `${page}/reset`, `${page}/reset`, {});
    expect(reset.status).toBe(303);
    const again = await s.browser.get(page).expect(200);
    expect(fieldValue(again.text, 'subject')).toBe('Bitte um Mitzeichnung: {{appeal}}');
  });

  it('keeps values on one subject line and substitutes placeholders only once', () => {
    const rendered = renderMailText({ subject: 'Für {{organisation}}', body: '{{organisation}} {{appeal}}' }, { organisation: 'AWO\r\nBcc: x@example.org', appeal: '{{organisation}}' });
    expect(rendered.subject).toBe('Für AWO Bcc: x@example.org');
    expect(rendered.text).toBe('AWO\r\nBcc: x@example.org {{organisation}}');
  });

  it('ends a sentence once when a value ends with a full stop ("Kleve e.V." – not "e.V..")', () => {
    const rendered = renderMailText(
      { subject: 'Von {{organisations}}.', body: 'Gemeinsam unterzeichnet haben: {{organisations}}.\n\nIm Auftrag von {{coalition}}.' },
      { organisations: 'AWO und Diakonie im Kirchenkreis Kleve e.V.', coalition: 'Bündnis Kleve' },
    );
    expect(rendered.subject).toBe('Von AWO und Diakonie im Kirchenkreis Kleve e.V.');
    expect(rendered.paragraphs.map((paragraph) => paragraph.text)).toEqual(['Gemeinsam unterzeichnet haben: AWO und Diakonie im Kirchenkreis Kleve e.V.', 'Im Auftrag von Bündnis Kleve.']);
    expect(rendered.paragraphs[0]!.html).toBe('Gemeinsam unterzeichnet haben: AWO und Diakonie im Kirchenkreis Kleve e.V.');
  });

  it('uses the appeal’s own cover text for the letter mail and locks the texts once sending started', async () => {
    const s = await setup();
    const made = await makeFinalAppeal(s, s.owner.organiser.id, { organisations: ['AWO', 'Caritas'], appeal: { title: 'Integration sichern', contactName: 'Andrea Beispiel' } });
    await s.worker.runOnce();
    s.sink.received.length = 0;
    const page = `/appeals/${made.appeal.slug}/mail-texts/cover`;
    const saved = await submitForm(s.browser, page, page, { subject: '', body: 'anbei unser Schreiben an {{addressee}}, unterzeichnet von {{organisations}}.', action: 'save' });
    expect(saved.status).toBe(303);
    const dispatch = `/appeals/${made.appeal.slug}/dispatch`;
    expect((await submitForm(s.browser, dispatch, dispatch, {})).status).toBe(303);
    await s.worker.runOnce();
    const letter = s.sink.received[0]!.parsed;
    expect(letter.text).toContain('anbei unser Schreiben an');
    expect(letter.text).toContain('unterzeichnet von AWO und Caritas.');
    expect(letter.subject).toContain('Integration sichern');

    const locked = await s.browser.get(page).expect(200);
    expect(pageText(locked.text)).toContain('lassen sich nicht mehr ändern');
    expect(locked.text).not.toContain('name="body"');
    const late = await submitForm(s.browser, page, page, { subject: '', body: 'Neu getippt {{appeal}}', action: 'save' });
    expect(late.status).toBe(409);
    expect(pageText(late.text)).toContain('Nicht gespeichert');
  });
});
