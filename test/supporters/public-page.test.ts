import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';
import { buildApp } from '../../server/app.ts';
import { startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { supportersRepository } from '../../server/supporters/supporters.repository.ts';
import { emailKeyOf } from '../../server/supporters/supporters.table.ts';
import { hashToken } from '../../server/shared/tokens.ts';
import { buildTestApp, fixedNow, testConfig } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { makeFinalAppeal, makeOrganiser } from '../helpers/factories.ts';
import { pageText, parseHtml } from '../helpers/html.ts';
import { makeMailWorker } from '../helpers/mail.ts';
import { poppler } from '../helpers/pdf.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

const at = (ms: number) => new Date(fixedNow.getTime() + ms);

/** Confirmed supporters written through the repository (the HTTP flow is tested in citizens.test.ts). */
function addCitizens(db: Parameters<typeof supportersRepository>[0], appealId: number, names: [string, string, string, boolean][]) {
  const repository = supportersRepository(db);
  names.forEach(([firstName, lastName, place, showName], index) => {
    const email = `${firstName}.${index}@example.org`.toLowerCase();
    const row = repository.insert({ appealId, kind: 'citizen', firstName, lastName, place, postcode: '47533', email, emailKey: emailKeyOf(email), showName, createdAt: at(index), withdrawTokenHash: hashToken(`w${index}`) });
    repository.confirm(row.id, 'citizen', at(1000 + index));
  });
}

describe('the public page of a sent appeal', () => {
  it('shows text, first signatories, supporters, groups of addressees and the sent date; serves the sent letter, data, badge and share image', { timeout: 120_000 }, async () => {
    const sink = await SmtpSink.start();
    const test = await buildTestApp({ env: { SMTP_URL: sink.url() } });
    const { organiser } = await makeOrganiser(test.db);
    const made = await makeFinalAppeal(test, organiser.id, { appeal: { title: 'Ein Integrationszentrum für Kleve', coalitionName: 'Bündnis Kleve', publicPage: true }, organisations: ['AWO', 'Caritas'] });
    const appeal = appealsRepository(test.db).update(made.appeal.id, { supportGoal: 1000, updatedAt: new Date() });
    addCitizens(test.db, appeal.id, [
      ['Małgorzata', 'Kowalska', 'Kleve', true],
      ['Rainer', 'Janssen', 'Goch', false],
      ['Ayşe', 'Yılmaz', 'Emmerich', true],
    ]);
    const repository = supportersRepository(test.db);
    const organisation = repository.insert({ appealId: appeal.id, kind: 'organisation', organisationName: 'Flüchtlingsrat Kleve <e.V.>', website: 'https://fluechtlingsrat.example', emailKey: emailKeyOf('org@example.org'), createdAt: at(0) });
    repository.confirm(organisation.id, 'organisation', at(1));
    // The organiser's approval is the other part's service; here the row is set confirmed as it would.
    test.sqlite.prepare("update supporters set state = 'confirmed', confirmed_at = ? where id = ?").run(at(2).getTime(), organisation.id);

    const { worker } = makeMailWorker({ db: test.db, clock: () => new Date(), config: test.config });
    const started = startDispatch({ db: test.db, clock: () => new Date(), appeal: appealsRepository(test.db).findById(appeal.id)!, actor: { organiserId: organiser.id, name: 'Test' } });
    expect(started.ok).toBe(true);
    // Before sending is over, no letter is public.
    expect((await test.http().get(`/a/${appeal.slug}/brief.pdf`)).status).toBe(404);
    for (let round = 0; round < 5 && appealsRepository(test.db).findById(appeal.id)!.state !== 'sent'; round += 1) await worker.runOnce();
    expect(appealsRepository(test.db).findById(appeal.id)!.state).toBe('sent');

    const response = await test.http().get(`/a/${appeal.slug}`);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=5');
    expect(response.headers['set-cookie']).toBeUndefined();
    const $ = parseHtml(response.text);
    const text = pageText(response.text);
    expect($('h1').text()).toBe('Ein Integrationszentrum für Kleve');
    expect(text).toMatch(/Versandt am \d\d\.\d\d\.\d{4}/);
    expect(text).toMatch(/Fassung 1 vom \d\d\.\d\d\.\d{4}/);
    expect($('.letter-preview__body strong').text()).toBe('jetzt');
    expect(text).toContain('AWO Kreisverband Kleve e.V.');
    expect(text).toContain('Flüchtlingsrat Kleve <e.V.>');
    expect($('[data-count]').text()).toBe('3');
    expect(text).toContain('Ziel: 1.000');
    expect(text).toContain('Małgorzata K., Kleve');
    expect(text).toContain('Ayşe Y., Emmerich');
    expect(text).not.toContain('Rainer');
    expect(text).toContain(made.list.name);
    expect($('input[name="_csrf"]').length).toBe(0);
    expect($('meta[property="og:title"]').attr('content')).toBe('Ein Integrationszentrum für Kleve');
    expect($('meta[property="og:image"]').attr('content')).toBe(`http://mitzeichnen.test/a/${appeal.slug}/share.png`);
    expect($('meta[name="twitter:card"]').attr('content')).toBe('summary_large_image');
    expect($('meta[property="og:url"]').attr('content')).toBe(`http://mitzeichnen.test/a/${appeal.slug}`);
    // Sent, no closing date: signing has ended; the letter is linked.
    expect($(`a[href="/a/${appeal.slug}/sign"]`).length).toBe(0);
    const letterLink = $(`a[href="/a/${appeal.slug}/brief.pdf"]`);
    expect(letterLink.length).toBe(1);
    const revalidated = await test.http().get(`/a/${appeal.slug}`).set('if-none-match', response.headers.etag!);
    expect(revalidated.status).toBe(304);

    const pdf = await test.http().get(`/a/${appeal.slug}/brief.pdf`).buffer(true).parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const pdfText = poppler('pdftotext', pdf.body as Buffer);
    expect(pdfText).toContain('Ein Integrationszentrum für Kleve');
    expect(pdfText).not.toContain('ENTWURF');

    const data = await test.http().get(`/a/${appeal.slug}.json`);
    expect(data.headers['cache-control']).toBe('public, max-age=60');
    expect(data.headers.etag).toBeDefined();
    expect(data.body).toMatchObject({ state: 'sent', citizens: 3, organisations: 1, goal: 1000, closesOn: null, supporterOrganisations: [{ name: 'Flüchtlingsrat Kleve <e.V.>', website: 'https://fluechtlingsrat.example' }] });
    expect(JSON.stringify(data.body)).not.toContain('@');
    expect((await test.http().get(`/a/${appeal.slug}.json`).set('if-none-match', data.headers.etag!)).status).toBe(304);

    const badge = await test.http().get(`/a/${appeal.slug}/badge.svg`).buffer(true);
    expect(badge.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(badge.headers['cache-control']).toMatch(/public/);
    const svg = badge.body.toString();
    expect(svg).toContain('3 unterstützen');
    expect(svg).not.toMatch(/href|<script|url\(/i);
    expect((await sharp(Buffer.from(svg)).metadata()).format).toBe('svg');

    const share = await test.http().get(`/a/${appeal.slug}/share.png`).buffer(true).parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks)));
    });
    expect(share.status).toBe(200);
    expect(share.headers['content-type']).toBe('image/png');
    const meta = await sharp(share.body as Buffer).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1200, 630]);

    // Withdrawal after sending: allowed; the page's count drops (the letter's snapshot is frozen elsewhere).
    const first = test.db.select().from((await import('../../server/supporters/supporters.table.ts')).supporters).all().find((row) => row.firstName === 'Małgorzata')!;
    const agent = test.http();
    const withdrawPage = await agent.get('/u/w0');
    expect(withdrawPage.status).toBe(200);
    const { csrfToken } = await import('../helpers/html.ts');
    expect((await agent.post('/u/w0').type('form').send({ _csrf: csrfToken(withdrawPage.text) })).status).toBe(303);
    expect(supportersRepository(test.db).counts(appeal.id).citizens).toBe(2);
    expect(supportersRepository(test.db).findById(first.id)!.supporter.state).toBe('withdrawn');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await test.http().get(`/a/${appeal.slug}`);
    expect(parseHtml(after.text)('[data-count]').text()).toBe('2');
    expect(pageText(after.text)).not.toContain('Małgorzata');
  });
});

describe('logs of the citizens\' links', () => {
  it('hold no confirm or withdraw token', async () => {
    const lines: string[] = [];
    const connection = createTestDatabase();
    const app = await buildApp({ config: testConfig(), db: connection.db, clock: () => new Date(fixedNow), logger: { level: 'trace', destination: { write: (line: string) => lines.push(line) } } });
    await app.ready();
    try {
      const token = 'C0nFiRm_-'.repeat(4) + 'abcdefg';
      expect(token).toHaveLength(43);
      await app.inject({ method: 'GET', url: `/c/${token}` });
      await app.inject({ method: 'GET', url: `/u/${token}` });
      await app.inject({ method: 'POST', url: `/u/${token}`, payload: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(lines.length).toBeGreaterThan(3);
      expect(lines.join('\n')).toContain('/c/[…]');
      expect(lines.join('\n')).not.toContain(token);
    } finally {
      await app.close();
      connection.close();
    }
  });
});
