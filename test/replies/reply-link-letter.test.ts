// The reply link printed small on the last page of a delivery's letter: sent through the real
// SMTP sink, read back with pdftotext (-bbox: nothing overlaps, nothing is cut), clickable, and
// opened with supertest. Letters without a delivery carry no link; sealing keeps it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedNow, tempDataDir } from '../helpers/app.ts';
import { pageText } from '../helpers/html.ts';
import { poppler } from '../helpers/pdf.ts';
import { makeSealCertificate } from '../helpers/seal-certificate.ts';
import { loadConfig } from '../../server/config.ts';
import type { SealConfig } from '../../server/config.ts';
import { issueLetters } from '../../server/letters/letters.service.ts';
import { resolveLetter } from '../../server/letters/resolve-letter.ts';
import { buildRecipients } from '../../server/letters/recipients.ts';
import { prepareLetter, recipientTexts, salutationLinesFor, stampLetter } from '../../server/letter-pdf/letter-render.ts';
import { sentAppeal } from './setup.ts';

type Word = { text: string; xMin: number; yMin: number; xMax: number; yMax: number };

/** The words of one page with their boxes (pdftotext -bbox, in points from the top left). */
function wordsOf(bytes: Uint8Array, page: number): Word[] {
  const html = poppler('pdftotext', bytes, ['-bbox', '-f', String(page), '-l', String(page)]);
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({ xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text: m[5]! }));
}

const pageCount = (bytes: Uint8Array) => Number(/Pages:\s+(\d+)/.exec(poppler('pdfinfo', bytes))![1]);

/** The URIs of the link annotations per page. */
async function linkUris(bytes: Uint8Array): Promise<string[][]> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  return doc.getPages().map((page) => {
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    return (annots?.asArray() ?? []).flatMap((ref) => {
      const annot = doc.context.lookup(ref, PDFDict);
      const action = annot.lookupMaybe(PDFName.of('A'), PDFDict);
      const uri = action?.lookupMaybe(PDFName.of('URI'), PDFString);
      return annot.get(PDFName.of('Subtype'))?.toString() === '/Link' && uri ? [uri.decodeText()] : [];
    });
  });
}

/** The letter attached to a mail (postal-mime's parse: the first PDF). */
const letterOf = (attachments: { mimeType: string; content: ArrayBuffer | Uint8Array | string }[]) => {
  const content = attachments.find((attachment) => attachment.mimeType === 'application/pdf')!.content;
  return new Uint8Array(typeof content === 'string' ? Buffer.from(content, 'binary') : content);
};

const overlaps = (a: Word, b: Word) => a.xMin < b.xMax && b.xMin < a.xMax && a.yMin < b.yMax && b.yMin < a.yMax;

describe('the reply link on the letter', () => {
  it('is printed small on the last page of the mailed letter, clickable, and opens the reply form', async () => {
    const s = await sentAppeal();
    const mail = s.sink.received.find((received) => received.envelope.to.includes('landrat@kreis-kleve.example'))!;
    const inMail = /http:\/\/mitzeichnen\.test(\/r\/[A-Za-z0-9_-]{43})/.exec(String(mail.parsed.text))![1]!;
    const pdf = letterOf(mail.parsed.attachments);
    const pages = pageCount(pdf);
    const last = poppler('pdftotext', pdf, ['-raw', '-f', String(pages), '-l', String(pages)]);
    const printed = /Antwort online: (http:\/\/mitzeichnen\.test\/r\/[A-Za-z0-9_-]{43})/.exec(last);
    expect(printed, last).not.toBeNull();
    expect(printed![1]).toBe(`http://mitzeichnen.test${inMail}`);
    // Only on the last page.
    if (pages > 1) expect(poppler('pdftotext', pdf, ['-f', '1', '-l', String(pages - 1)])).not.toContain('Antwort online');

    // Small, whole on the page, below everything of the body and above the footer, overlapping nothing.
    const words = wordsOf(pdf, pages);
    const urlWord = words.find((word) => word.text.includes('/r/'))!;
    const line = words.filter((word) => Math.abs(word.yMin - urlWord.yMin) < 0.5);
    expect(line.map((word) => word.text)).toEqual(['Antwort', 'online:', printed![1]]);
    // 8 pt (the body is 11 pt: its words are about 14.5 pt high).
    expect(urlWord.yMax - urlWord.yMin).toBeLessThan(11);
    expect(urlWord.xMax).toBeLessThan(175 * (72 / 25.4));
    const others = words.filter((word) => !line.includes(word));
    for (const word of line) for (const other of others) expect(overlaps(word, other), `${word.text} / ${other.text}`).toBe(false);
    const footer = others.filter((word) => word.yMin > urlWord.yMax);
    expect(footer.some((word) => word.text.startsWith('Prüfcode') || word.text.includes('/v/'))).toBe(true);
    // Everything above it in its columns (the body, the signatures) ends above it; the page number stands to its right.
    const above = others.filter((word) => word.yMin < urlWord.yMin && word.xMin < urlWord.xMax);
    expect(above.length).toBeGreaterThan(20);
    expect(Math.max(...above.map((word) => word.yMax))).toBeLessThanOrEqual(line[0]!.yMin);

    // Clickable: a link annotation on the last page with the same address.
    const uris = await linkUris(pdf);
    expect(uris[pages - 1]).toContain(printed![1]);
    expect(uris.slice(0, pages - 1).flat()).not.toContain(printed![1]);

    // qpdf finds the letter with its link sound.
    const dir = mkdtempSync(join(tmpdir(), 'mz-reply-letter-'));
    writeFileSync(join(dir, 'letter.pdf'), pdf);
    const qpdf = spawnSync('qpdf', ['--check', join(dir, 'letter.pdf')], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect(qpdf.status, qpdf.stdout + qpdf.stderr).toBe(0);

    // The printed address opens the reply form.
    const form = await s.app.http().get(new URL(printed![1]!).pathname).expect(200);
    expect(pageText(form.text)).toContain('Kommunale Integrationszentren sichern');
    expect(form.text).toContain('name="body"');

    // Each delivery has its own link.
    const other = s.sink.received.find((received) => received.envelope.to.includes('buergermeister@kleve.example'))!;
    const otherPdf = letterOf(other.parsed.attachments);
    const otherLast = poppler('pdftotext', otherPdf, ['-raw', '-f', String(pageCount(otherPdf)), '-l', String(pageCount(otherPdf))]);
    expect(otherLast).toContain('Antwort online: http://mitzeichnen.test/r/');
    expect(otherLast).not.toContain(printed![1]);
  });

  it('stands on the last page only of a letter of several pages, overlapping nothing', async () => {
    const paragraph = 'Die Kommunalen Integrationszentren beraten Zugewanderte, begleiten Schulen und Kitas und vernetzen die Träger vor Ort. Ohne eine gesicherte Finanzierung drohen Kündigungen erfahrener Fachkräfte und der Verlust gewachsener Strukturen.';
    const s = await sentAppeal({
      appeal: { coalitionName: 'Bündnis für Integration Kleve', title: 'Kommunale Integrationszentren sichern', contactName: 'Andrea Beispiel', contactEmail: 'andrea@buendnis.example', body: Array.from({ length: 24 }, () => paragraph).join('\n\n') },
    });
    const mail = s.sink.received.find((received) => received.envelope.to.includes('landrat@kreis-kleve.example'))!;
    const pdf = letterOf(mail.parsed.attachments);
    const pages = pageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let page = 1; page < pages; page += 1) expect(poppler('pdftotext', pdf, ['-f', String(page), '-l', String(page)])).not.toContain('Antwort online');
    const words = wordsOf(pdf, pages);
    const urlWord = words.find((word) => word.text.includes('/r/'))!;
    const line = words.filter((word) => Math.abs(word.yMin - urlWord.yMin) < 0.5);
    for (const word of line) for (const other of words.filter((candidate) => !line.includes(candidate))) expect(overlaps(word, other), `${word.text} / ${other.text}`).toBe(false);
    const uris = await linkUris(pdf);
    expect(uris[pages - 1]!.filter((uri) => uri.includes('/r/'))).toEqual([urlWord.text]);
    expect(uris.slice(0, pages - 1).flat().filter((uri) => uri.includes('/r/'))).toEqual([]);
  });

  it('is absent from letters without a delivery (download, master), which stay byte-identical', async () => {
    const s = await sentAppeal();
    const issue = () => issueLetters({ db: s.app.db, fileStore: s.app.fileStore, clock: s.time.clock, baseUrl: s.app.config.baseUrl, appeal: s.appeal, day: '2026-11-22', selection: { master: true, personal: 'all' } });
    const first = await issue();
    const second = await issue();
    for (const letter of [first.master!, ...first.personal]) expect(poppler('pdftotext', letter.bytes)).not.toContain('Antwort online');
    expect(second.personal.map((letter) => letter.sha256)).toEqual(first.personal.map((letter) => letter.sha256));
    expect(second.master!.sha256).toBe(first.master!.sha256);
    for (const letter of first.personal) expect((await linkUris(letter.bytes)).flat().filter((uri) => uri.includes('/r/'))).toEqual([]);
  });
});

describe('the reply link on a sealed one-page letter', () => {
  let certificate: ReturnType<typeof makeSealCertificate>;
  let seal: SealConfig;
  beforeAll(() => {
    certificate = makeSealCertificate();
    seal = loadConfig({ DATA_DIR: tempDataDir(), SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: certificate.password }).seal!;
  });
  afterAll(() => rmSync(certificate.dir, { recursive: true, force: true }));

  it('keeps the seal valid, the link clickable next to the seal field, and the same bytes for the same input', async () => {
    const s = await sentAppeal();
    const clock = () => new Date(fixedNow);
    const { model } = resolveLetter({ db: s.app.db, fileStore: s.app.fileStore, clock, appeal: s.appeal, baseUrl: s.app.config.baseUrl });
    const recipients = buildRecipients({ db: s.app.db, appeal: s.appeal }).personal.map((recipient) => ({ ...recipient, code: 'ABCD-EFGH' }));
    const prepared = await prepareLetter(model, { extraTexts: recipientTexts(recipients), salutationLines: salutationLinesFor(recipients), createdAt: clock(), seal });
    const url = `${s.app.config.baseUrl}/r/${'Ab9_-'.repeat(8)}xyz`;
    const letter = stampLetter(prepared, { ...recipients[0]!, replyUrl: url });
    const again = stampLetter(prepared, { ...recipients[0]!, replyUrl: url });
    expect(Buffer.from(again.bytes).equals(Buffer.from(letter.bytes))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'mz-reply-seal-'));
    writeFileSync(join(dir, 'letter.pdf'), letter.bytes);
    const check = spawnSync('pdfsig', [join(dir, 'letter.pdf')], { encoding: 'utf8' });
    expect(check.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(check.stdout).toContain('Total document signed');
    expect(spawnSync('qpdf', ['--check', join(dir, 'letter.pdf')], { encoding: 'utf8' }).status).toBe(0);
    rmSync(dir, { recursive: true, force: true });
    expect(prepared.pageCount).toBe(1);
    expect((await linkUris(letter.bytes))[0]).toContain(url);
    expect(poppler('pdftotext', letter.bytes, ['-raw'])).toContain(`Antwort online: ${url}`);
  });
});
