// Images attached to replies are re-encoded before they are stored: a photo with its GPS
// position in EXIF comes back without it (through the reply link and from the mailbox), a
// decompression bomb is refused with a German message at the field, PDFs stay as sent.
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { csrfToken, fieldError, parseHtml } from '../helpers/html.ts';
import { recordIncomingMessage } from '../../server/replies/incoming.service.ts';
import { replies, replyFiles } from '../../server/replies/replies.table.ts';
import { incoming, pdfBytes, sentAppeal } from './setup.ts';

type Sent = Awaited<ReturnType<typeof sentAppeal>>;

/** A photo as phones take them: JPEG with EXIF (camera, GPS position of the office). */
async function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 200, g: 180, b: 150 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'Telefonhersteller', Model: 'Modell 7', Copyright: 'Büro des Landrats' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 47/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '6/1 8/1 3600/100' } })
    .toBuffer();
}

/** A PNG of a few bytes that claims 20,000 × 20,000 pixels. */
function pngBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(20_000, 0);
  header.writeUInt32BE(20_000, 4);
  header.writeUInt8(8, 8);
  header.writeUInt8(2, 9);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(100))), chunk('IEND', Buffer.alloc(0))]);
}

function replyLinkOf(s: Sent, address: string): string {
  const mail = s.sink.received.find((received) => received.envelope.to.includes(address))!;
  return /http:\/\/mitzeichnen\.test(\/r\/[A-Za-z0-9_-]{43})/.exec(String(mail.parsed.text))![1]!;
}

async function postReply(s: Sent, path: string, body: string, files: { name: string; bytes: Buffer }[]) {
  const agent = s.app.http();
  const page = await agent.get(path).expect(200);
  let request = agent.post(path).field('_csrf', csrfToken(page.text)).field('body', body).field('office', 'Kreis Kleve');
  files.forEach((file, index) => (request = request.attach(`file${index + 1}`, file.bytes, file.name)));
  return request;
}

/** The stored file, downloaded by the organiser from the inbox. */
async function download(s: Sent, fileId: number): Promise<Buffer> {
  const response = await s.agent
    .get(`/appeals/${s.slug}/replies/files/${fileId}`)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200);
  expect(response.headers['content-disposition']).toMatch(/^attachment/);
  return response.body as Buffer;
}

describe('images attached to replies', () => {
  it('are stored without their EXIF data (GPS, camera) when sent through the reply link; a PDF stays as sent', async () => {
    const s = await sentAppeal();
    const photo = await photoWithGps();
    const before = await sharp(photo).metadata();
    expect(before.exif?.length).toBeGreaterThan(50);
    expect(photo.includes(Buffer.from('Telefonhersteller'))).toBe(true);
    const response = await postReply(s, replyLinkOf(s, 'landrat@kreis-kleve.example'), 'Anbei ein Foto unseres Schreibens.', [
      { name: 'foto.jpg', bytes: photo },
      { name: 'brief.pdf', bytes: pdfBytes() },
    ]);
    expect(response.status).toBe(303);
    const files = s.app.db.select().from(replyFiles).all();
    expect(files.map((file) => file.contentType)).toEqual(['image/jpeg', 'application/pdf']);
    const stored = await download(s, files[0]!.id);
    const after = await sharp(stored).metadata();
    expect(after).toMatchObject({ format: 'jpeg', width: 320, height: 200 });
    expect(after.exif).toBeUndefined();
    expect(stored.includes(Buffer.from('Telefonhersteller'))).toBe(false);
    expect(stored.includes(Buffer.from('GPS'))).toBe(false);
    expect(files[0]!.size).toBe(stored.byteLength);
    expect((await download(s, files[1]!.id)).equals(pdfBytes())).toBe(true);
  });

  it('refuses a decompression bomb with a German message at the field, keeping the typed text', async () => {
    const s = await sentAppeal();
    const response = await postReply(s, replyLinkOf(s, 'landrat@kreis-kleve.example'), 'Unser Text bleibt.', [{ name: 'scan.png', bytes: pngBomb() }]);
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'file1')).toContain('zu viele Bildpunkte');
    expect(parseHtml(response.text)('#f-body').text()).toBe('Unser Text bleibt.');
    expect(s.app.db.select().from(replies).all()).toHaveLength(0);
  });

  it('from the mailbox: re-encoded too (WebP becomes PNG), a bomb is not kept but named in the text', async () => {
    const s = await sentAppeal();
    const landrat = s.byEmail('landrat@kreis-kleve.example');
    const webp = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
      .webp()
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 47/1 0/1' } })
      .toBuffer();
    const message = incoming({
      inReplyTo: landrat.outbox!.messageId!,
      attachments: [
        { filename: 'IMG_0001.jpg', contentType: 'image/jpeg', bytes: await photoWithGps() },
        { filename: 'karte.webp', contentType: 'image/webp', bytes: webp },
        { filename: 'riesig.png', contentType: 'image/png', bytes: pngBomb() },
      ],
    });
    expect(await recordIncomingMessage({ db: s.app.db, clock: s.time.clock, store: s.store, message })).toBe('recorded');
    const reply = s.app.db.select().from(replies).get()!;
    expect(reply.body).toContain('[Nicht übernommene Anhänge: riesig.png]');
    const files = s.app.db.select().from(replyFiles).all();
    expect(files.map((file) => [file.fileName, file.contentType])).toEqual([
      ['IMG_0001.jpg', 'image/jpeg'],
      ['karte.webp', 'image/png'],
    ]);
    for (const file of files) {
      const bytes = s.store.read(file.storedName)!;
      expect((await sharp(bytes).metadata()).exif).toBeUndefined();
      expect(bytes.includes(Buffer.from('Telefonhersteller'))).toBe(false);
    }
    expect((await sharp(s.store.read(files[1]!.storedName)!).metadata()).format).toBe('png');
  });
});
