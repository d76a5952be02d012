import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser, makeSignatory } from '../helpers/factories.ts';
import { csrfToken, fieldError, fieldValue, pageText, parseHtml } from '../helpers/html.ts';

async function ownerWithAppeal(test: TestApp) {
  const credentials = await makeOrganiser(test.db);
  const browser = test.http();
  await loginAs(browser, { email: credentials.organiser.email, password: credentials.password });
  const appeal = makeAppeal(test.db, credentials.organiser.id);
  return { browser, appeal };
}

const organisationFields = {
  organisationName: 'Arbeiterwohlfahrt Kreisverband Kleve e.V.',
  shortName: 'AWO',
  website: 'https://awo-kleve.example',
  address: 'Musterstraße 1\n47533 Kleve',
  representativeName: 'Małgorzata Ağaoğlu',
  representativeFunction: 'Vorsitzende',
  representativeEmail: 'vorsitz@awo-kleve.example',
};

/** Posts the signatory form as a browser does: multipart with an optional logo file. */
async function postSignatory(browser: ReturnType<TestApp['http']>, slug: string, fields: Record<string, string>, logo?: { bytes: Buffer; name: string }) {
  const page = await browser.get(`/appeals/${slug}/signatories/new`).expect(200);
  let request = browser.post(`/appeals/${slug}/signatories`).field('_csrf', csrfToken(page.text));
  for (const [key, value] of Object.entries(fields)) request = request.field(key, value);
  if (logo) request = request.attach('logo', logo.bytes, logo.name);
  return request;
}

const pngLogo = () =>
  sharp({ create: { width: 2400, height: 1200, channels: 3, background: { r: 200, g: 30, b: 40 } } })
    .png()
    .toBuffer();

describe('member organisations and first signatories', () => {
  it('adds an organisation with a logo that is re-encoded to a bounded PNG and served as image/png', async () => {
    const test = await buildTestApp();
    const { browser, appeal } = await ownerWithAppeal(test);
    const response = await postSignatory(browser, appeal.slug, organisationFields, { bytes: await pngLogo(), name: 'logo.png' });
    expect(response.status).toBe(303);

    const list = await browser.get(`/appeals/${appeal.slug}/signatories`).expect(200);
    expect(pageText(list.text)).toContain('Arbeiterwohlfahrt Kreisverband Kleve e.V.');
    expect(pageText(list.text)).toContain('Małgorzata Ağaoğlu');
    expect(pageText(list.text)).toContain('noch nicht eingeladen');

    const logoSrc = parseHtml(list.text)('img[src^="/logos/"]').attr('src')!;
    expect(logoSrc).toMatch(/^\/logos\/[0-9a-f]{32,}\.png$/);
    const logo = await test.http().get(logoSrc).expect(200).expect('content-type', 'image/png');
    const metadata = await sharp(logo.body as Buffer).metadata();
    expect(metadata.format).toBe('png');
    expect(metadata.width).toBeLessThanOrEqual(600);
  });

  it('turns an SVG with a script into a plain PNG', async () => {
    const test = await buildTestApp();
    const { browser, appeal } = await ownerWithAppeal(test);
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><script>alert(1)</script><rect width="200" height="100" fill="#036"/></svg>',
    );
    const response = await postSignatory(browser, appeal.slug, organisationFields, { bytes: svg, name: 'logo.svg' });
    expect(response.status).toBe(303);
    const list = await browser.get(`/appeals/${appeal.slug}/signatories`);
    const logo = await test.http().get(parseHtml(list.text)('img[src^="/logos/"]').attr('src')!).expect(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect((logo.body as Buffer).includes(Buffer.from('script'))).toBe(false);
  });

  it('refuses a file that is not an image, whatever its name, and keeps the typed fields', async () => {
    const test = await buildTestApp();
    const { browser, appeal } = await ownerWithAppeal(test);
    const response = await postSignatory(browser, appeal.slug, organisationFields, {
      bytes: Buffer.from('%PDF-1.7 not a logo'),
      name: 'logo.png',
    });
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'logo')).toBe('Diese Datei ist kein PNG-, JPEG- oder SVG-Bild. Bitte wählen Sie eine Bilddatei.');
    expect(fieldValue(response.text, 'organisationName')).toBe('Arbeiterwohlfahrt Kreisverband Kleve e.V.');
    expect(fieldValue(response.text, 'representativeName')).toBe('Małgorzata Ağaoğlu');
    expect(pageText((await browser.get(`/appeals/${appeal.slug}/signatories`)).text)).not.toContain('Arbeiterwohlfahrt');
  });

  it('refuses a logo over 5 MB with a clear message instead of a server error', async () => {
    const test = await buildTestApp();
    const { browser, appeal } = await ownerWithAppeal(test);
    const huge = Buffer.concat([await pngLogo(), Buffer.alloc(6 * 1024 * 1024)]);
    const response = await postSignatory(browser, appeal.slug, organisationFields, { bytes: huge, name: 'riesig.png' });
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'logo')).toContain('bis 5 MB');
    expect(fieldValue(response.text, 'shortName')).toBe('AWO');
  });

  it('accepts only http and https websites', async () => {
    const test = await buildTestApp();
    const { browser, appeal } = await ownerWithAppeal(test);
    const response = await postSignatory(browser, appeal.slug, { ...organisationFields, website: 'javascript:alert(1)' });
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'website')).toBeTruthy();
  });

  it('reorders and removes signatories', async () => {
    const test = await buildTestApp();
    const { browser, appeal } = await ownerWithAppeal(test);
    const first = await makeSignatory(test.db, test.fileStore, appeal, { name: 'Caritasverband Kleve e.V.' });
    const second = await makeSignatory(test.db, test.fileStore, appeal, { name: 'Diakonisches Werk Kleve e.V.' });
    const names = async () => {
      const $ = parseHtml((await browser.get(`/appeals/${appeal.slug}/signatories`)).text);
      return $('.signatory-list h3')
        .map((_index, element) => $(element).contents().first().text().trim())
        .get();
    };
    expect(await names()).toEqual(['Caritasverband Kleve e.V.', 'Diakonisches Werk Kleve e.V.']);

    const page = await browser.get(`/appeals/${appeal.slug}/signatories`);
    const token = csrfToken(page.text);
    await browser.post(`/appeals/${appeal.slug}/signatories/${second.signatory.id}/move`).type('form').send({ _csrf: token, direction: 'up' }).expect(303);
    expect(await names()).toEqual(['Diakonisches Werk Kleve e.V.', 'Caritasverband Kleve e.V.']);

    // "Entfernen" leads to a page that asks first; cancelling keeps the organisation.
    const listed = parseHtml((await browser.get(`/appeals/${appeal.slug}/signatories`)).text);
    const removeLink = listed(`a[href="/appeals/${appeal.slug}/signatories/${first.signatory.id}/delete"]`);
    expect(removeLink.text()).toContain('Entfernen');
    const question = await browser.get(removeLink.attr('href')!).expect(200);
    expect(pageText(question.text)).toContain('Caritasverband Kleve e.V. aus den Erstunterzeichnern entfernen?');
    expect(parseHtml(question.text)('a.button--secondary').attr('href')).toBe(`/appeals/${appeal.slug}/signatories#signatory-${first.signatory.id}`);
    expect(await names()).toEqual(['Diakonisches Werk Kleve e.V.', 'Caritasverband Kleve e.V.']);
    await browser.post(`/appeals/${appeal.slug}/signatories/${first.signatory.id}/delete`).type('form').send({ _csrf: csrfToken(question.text) }).expect(303);
    expect(await names()).toEqual(['Diakonisches Werk Kleve e.V.']);
  });
});
