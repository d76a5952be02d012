// Bad input for logos (issue 11): an SVG that takes about ten seconds to rasterise is refused at
// the field within 2 s while /healthz answers within 200 ms; four at once do not hold up a
// PNG logo uploaded meanwhile; the protections against pixel bombs stay.
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { reencodeLogo } from '../../server/signatories/logos.ts';
import { listSignatories } from '../../server/signatories/signatories.service.ts';
import { buildTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser, makeSignatory } from '../helpers/factories.ts';
import { healthDuring } from '../helpers/health.ts';
import { csrfToken, fieldError, fieldValue } from '../helpers/html.ts';

/** 650 bytes that keep librsvg busy for about 10 s (ten dilations of a noise field; measured 9.7 s without a budget). */
export const slowSvg = Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="500"><filter id="f"><feTurbulence baseFrequency="0.05" numOctaves="2"/>${'<feMorphology operator="dilate" radius="50"/>'.repeat(10)}</filter><rect width="100%" height="100%" filter="url(#f)"/></svg>`,
);

const fields = {
  organisationName: 'Naturschutzbund Kreisgruppe Kleve',
  shortName: 'NABU',
  website: 'https://nabu-kleve.example',
  address: 'Am Deich 2\n47533 Kleve',
  representativeName: 'Jörg Weiß',
  representativeFunction: 'Sprecher',
  representativeEmail: 'sprecher@nabu-kleve.example',
};

async function setup() {
  const test = await buildTestApp();
  const { organiser, password } = await makeOrganiser(test.db);
  const appeal = makeAppeal(test.db, organiser.id);
  const existing = await makeSignatory(test.db, test.fileStore, appeal);
  const browser = test.http();
  await loginAs(browser, { email: organiser.email, password });
  return { ...test, appeal, existing, browser };
}

async function postLogo(browser: ReturnType<TestApp['http']>, slug: string, logo: { bytes: Buffer; name: string }, overrides: Record<string, string> = {}) {
  const page = await browser.get(`/appeals/${slug}/signatories/new`).expect(200);
  let request = browser.post(`/appeals/${slug}/signatories`).field('_csrf', csrfToken(page.text));
  for (const [key, value] of Object.entries({ ...fields, ...overrides })) request = request.field(key, value);
  const started = performance.now();
  const response = await request.attach('logo', logo.bytes, logo.name);
  return { response, ms: performance.now() - started };
}

/** A PNG of a few bytes that claims 20,000 × 20,000 pixels (a little image data, then the end). */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(100))), chunk('IEND', Buffer.alloc(0))]);
}

const tooSlow = 'Das SVG-Bild braucht zu lange zum Umrechnen (mehr als eine Sekunde). Bitte speichern Sie das Logo als PNG (z. B. 1200 × 600 Pixel) oder vereinfachen Sie das SVG (weniger Filter und Effekte).';

describe('hostile logos', () => {
  // Runs first: it also starts the SVG process that a running server keeps ready after its
  // first SVG (starting one takes 0.3–1.3 s on a busy machine, which the budget does not count).
  it('keeps refusing pixel bombs, in SVG and PNG, and still re-encodes an ordinary SVG', async () => {
    const upload = (bytes: Buffer, filename: string) => ({ filename, mimetype: 'image/svg+xml', size: bytes.length, bytes, tooLarge: false });
    const hugeSvg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000"><rect width="10" height="10"/></svg>');
    expect(await reencodeLogo(upload(hugeSvg, 'bomb.svg'))).toEqual({ ok: false, error: 'logo.tooManyPixels' });
    const bomb = pngHeaderOnly(20_000, 20_000);
    expect(await reencodeLogo(upload(bomb, 'bomb.png'))).toEqual({ ok: false, error: 'logo.tooManyPixels' });
    const plain = await reencodeLogo(upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><circle cx="100" cy="100" r="80" fill="#1d4f7a"/></svg>'), 'logo.svg'));
    expect(plain.ok).toBe(true);
    if (plain.ok) expect(await sharp(plain.png).metadata()).toMatchObject({ format: 'png', width: 600, height: 300 });
  });

  it('refuses an SVG that takes ten seconds to rasterise, at the field and within 2 s, while /healthz answers', async () => {
    const { app, db, appeal, existing, browser } = await setup();
    expect(slowSvg.length).toBeLessThan(3000);
    const { result, slowestMs, answers } = await healthDuring(app, () => postLogo(browser, appeal.slug, { bytes: slowSvg, name: 'logo.svg' }));
    expect(result.response.status).toBe(422);
    expect(fieldError(result.response.text, 'logo')).toBe(tooSlow);
    expect(fieldValue(result.response.text, 'organisationName')).toBe(fields.organisationName);
    expect(result.ms).toBeLessThan(2000);
    expect(answers).toBeGreaterThan(0);
    expect(slowestMs).toBeLessThan(200);
    expect(listSignatories({ db, appeal }).map((entry) => entry.signatory.id)).toEqual([existing.signatory.id]);
  });

  it('four slow SVGs at once do not hold up a PNG logo uploaded meanwhile', async () => {
    const { appeal, browser } = await setup();
    const png = await sharp({ create: { width: 1200, height: 600, channels: 3, background: { r: 20, g: 90, b: 40 } } }).png().toBuffer();
    const slow = Array.from({ length: 4 }, (_, index) => postLogo(browser, appeal.slug, { bytes: slowSvg, name: `logo${index}.svg` }, { organisationName: `Verein ${index}` }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const good = await postLogo(browser, appeal.slug, { bytes: png, name: 'logo.png' }, { organisationName: 'Verein mit PNG' });
    expect(good.response.status).toBe(303);
    expect(good.ms).toBeLessThan(2000);
    for (const { response } of await Promise.all(slow)) {
      expect(response.status).toBe(422);
      expect(fieldError(response.text, 'logo')).toBe(tooSlow);
    }
  });
});
