import { describe, expect, it } from 'vitest';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser, makeSignatory, submitForm } from '../helpers/factories.ts';
import { csrfToken, pageText } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

describe('an organisation added while signing runs', () => {
  it('is invited once the organiser confirms, not before', async () => {
    const sink = await SmtpSink.start();
    const time = manualClock(fixedNow);
    const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url() } });
    const owner = await makeOrganiser(test.db);
    const browser = test.http();
    await loginAs(browser, { email: owner.organiser.email, password: owner.password });
    const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
    const appeal = makeAppeal(test.db, owner.organiser.id, { body: 'Wir fordern etwas.' });
    await makeSignatory(test.db, test.fileStore, appeal, { representativeEmail: 'erste@verband.example' });
    expect((await submitForm(browser, `/appeals/${appeal.slug}/signing`, `/appeals/${appeal.slug}/signing/open`, { deadline: '' })).status).toBe(303);
    await worker.runOnce();
    sink.received.length = 0;

    const form = await browser.get(`/appeals/${appeal.slug}/signatories/new`).expect(200);
    const added = await browser
      .post(`/appeals/${appeal.slug}/signatories`)
      .field('_csrf', csrfToken(form.text))
      .field('organisationName', 'AWO Kleve')
      .field('representativeName', 'Erika Muster')
      .field('representativeEmail', 'erika@awo.example');
    expect(added.status).toBe(303);
    expect(added.headers.location).toMatch(new RegExp(`^/appeals/${appeal.slug}/signing/\\d+/invite$`));
    const question = await browser.get(added.headers.location!).expect(200);
    expect(pageText(question.text)).toContain('AWO Kleve wurde hinzugefügt.');
    await worker.runOnce();
    expect(sink.received).toHaveLength(0);

    const confirmed = await browser.post(added.headers.location!.replace(/invite$/, 'resend')).type('form').send({ _csrf: csrfToken(question.text) });
    expect(confirmed.status).toBe(303);
    await worker.runOnce();
    expect(sink.received.map((mail) => mail.envelope.to[0])).toEqual(['erika@awo.example']);
    expect(sink.received[0]!.parsed.subject).toContain('Bitte um Mitzeichnung');
    // Invited now: the question is not asked again.
    expect((await browser.get(added.headers.location!)).status).toBe(303);
  });
});
