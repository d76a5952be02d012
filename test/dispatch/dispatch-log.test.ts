// The dispatch log a page at a time (issue 18): 100 rows a page, filtered by state, counts from
// one grouped query that agree with the state of every single delivery, and a page that stays
// small enough to reload every few seconds while letters go out.
import { describe, expect, it } from 'vitest';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeFinalAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { parseHtml } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { dispatchRepository } from '../../server/dispatch/dispatch.repository.ts';
import { deliveryState, deliveryStates } from '../../server/dispatch/dispatch.service.ts';

const EMAILS = 205;
const TEMPORARY_FAILURES = 25;

async function setup() {
  const sink = await SmtpSink.start();
  sink.parse = false;
  const time = manualClock(fixedNow);
  const app = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url(), MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>' } });
  const { organiser, password } = await makeOrganiser(app.db, { email: 'andrea@buendnis.example' });
  const made = await makeFinalAppeal(app, organiser.id, {
    addressees: [
      ...Array.from({ length: EMAILS }, (_, i) => ({ institution: `Gemeinde ${i + 1}`, lastName: `Muster${i + 1}`, email: `buero${i + 1}@gemeinde.example` })),
      { institution: 'Gemeinde Kerken', lastName: 'Post', email: '' },
      { institution: 'Gemeinde Uedem', lastName: 'Falsch', email: 'buero at uedem' },
    ],
  });
  const { worker } = makeMailWorker({ db: app.db, clock: time.clock, config: app.config, concurrency: 3, retryDelayMs: () => 60_000 });
  await worker.runOnce();
  const agent = app.http();
  await loginAs(agent, { email: organiser.email, password });
  const page = `/appeals/${made.appeal.slug}/dispatch`;
  return { sink, app, agent, worker, page, send: () => submitForm(agent, page, page, {}), ...made };
}

const countsOn = (html: string) => {
  const $ = parseHtml(html);
  return Object.fromEntries($('.outbox-counts__item').toArray().map((item) => [$(item).attr('data-state'), Number($(item).find('dd').text())]));
};

describe('dispatch log, paged', () => {
  it('shows 100 rows a page, filters by state, and counts every state with one grouped query', { timeout: 180_000 }, async () => {
    const s = await setup();
    expect((await s.send()).status).toBe(303);

    // While the letters wait: the first page reloads itself and stays well under 100 KB.
    const waiting = await s.agent.get(s.page).expect(200);
    expect(waiting.text).toContain('<meta name="mz-refresh"');
    expect(Buffer.byteLength(waiting.text)).toBeLessThan(100 * 1024);
    let $ = parseHtml(waiting.text);
    expect($('tr[data-delivery-id]')).toHaveLength(100);
    expect(countsOn(waiting.text)).toMatchObject({ queued: EMAILS, post: 1, skipped: 1 });
    expect($('[data-testid="log-pager"]').text()).toContain('Seite 1 von 3');

    // The first letters meet a temporary failure (retried later), the rest go out.
    s.sink.tempFailures = TEMPORARY_FAILURES;
    await s.worker.runOnce();
    const sent = EMAILS - TEMPORARY_FAILURES;

    const first = await s.agent.get(s.page).expect(200);
    expect(countsOn(first.text)).toMatchObject({ sent, retrying: TEMPORARY_FAILURES, post: 1, skipped: 1 });
    // The counts of the grouped query are those of every delivery's own state.
    const repository = dispatchRepository(s.app.db);
    const dispatch = repository.findByAppeal(s.appeal.id)!;
    const byRow = Object.fromEntries(deliveryStates.map((state) => [state, 0]));
    for (const row of repository.listDeliveries(dispatch.id)) byRow[deliveryState(row)]! += 1;
    expect(repository.countByState(dispatch.id).all).toEqual(byRow);

    // All e-mail deliveries: three pages, in order, none twice.
    const ids: number[] = [];
    let url: string | undefined = s.page;
    const pages: number[] = [];
    while (url) {
      $ = parseHtml((await s.agent.get(url).expect(200)).text);
      const rows = $('tr[data-delivery-id]').toArray().map((row) => Number($(row).attr('data-delivery-id')));
      pages.push(rows.length);
      ids.push(...rows);
      url = $('a[rel="next"]').attr('href')?.replace(/#.*$/, '');
    }
    expect(pages).toEqual([100, 100, 5]);
    expect(new Set(ids).size).toBe(EMAILS);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    // Filtered by state: the link on the count leads there; only rows of that state, paged too.
    $ = parseHtml(first.text);
    const retryingHref = $('[data-state="retrying"] dt a').attr('href')!;
    expect(retryingHref).toBe(`${s.page}?state=retrying#dispatch-log`);
    $ = parseHtml((await s.agent.get(retryingHref.replace(/#.*$/, '')).expect(200)).text);
    expect($('tr[data-delivery-id]')).toHaveLength(TEMPORARY_FAILURES);
    expect(new Set($('tr[data-delivery-id]').toArray().map((row) => $(row).attr('data-state')))).toEqual(new Set(['retrying']));
    expect($('[data-testid="log-pager"]')).toHaveLength(0);
    expect($('#dispatch-log').text()).toContain('wird wiederholt');
    expect($('[data-testid="log-all"]').attr('href')).toBe(`${s.page}#dispatch-log`);

    $ = parseHtml((await s.agent.get(`${s.page}?state=sent&page=2`).expect(200)).text);
    expect($('tr[data-delivery-id]')).toHaveLength(sent - 100);
    expect($('tr[data-state="sent"]')).toHaveLength(sent - 100);
    expect($('[data-testid="log-range"]').text()).toContain(`101–${sent} von ${sent}`);
    expect($('a[rel="prev"]').attr('href')).toBe(`${s.page}?state=sent#dispatch-log`);

    // A page past the end shows the last one; an unknown state shows all.
    $ = parseHtml((await s.agent.get(`${s.page}?page=99`).expect(200)).text);
    expect($('tr[data-delivery-id]')).toHaveLength(5);
    $ = parseHtml((await s.agent.get(`${s.page}?state=nonsense&page=abc`).expect(200)).text);
    expect($('tr[data-delivery-id]')).toHaveLength(100);
    expect($('#dispatch-log').text()).not.toContain('Alle anzeigen');
  });
});
