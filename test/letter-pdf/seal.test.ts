// The electronic seal: a letter sealed with a test certificate (self-signed, made with openssl)
// is valid for pdfsig, clean for qpdf, still PDF/A, byte-identical on a second render, and shows
// nothing new but the seal line. A wrong or missing certificate stops the start with a German message.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignPdf } from '@signpdf/signpdf';
import { buildTestApp, fixedNow, tempDataDir } from '../helpers/app.ts';
import { makeAddressee, makeAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';
import { poppler } from '../helpers/pdf.ts';
import { makeSealCertificate } from '../helpers/seal-certificate.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import type { SealConfig } from '../../server/config.ts';
import { addListToAppeal } from '../../server/addressees/addressees.service.ts';
import { resolveLetter } from '../../server/letters/resolve-letter.ts';
import { buildRecipients } from '../../server/letters/recipients.ts';
import { createFonts, createPdfDocument, prepareLetter, recipientTexts, salutationLinesFor, stampLetter } from '../../server/letter-pdf/letter-render.ts';
import { SealSigner, loadSealer, saveSealed } from '../../server/letter-pdf/seal.ts';

const clock = () => new Date(fixedNow);
let certificate: ReturnType<typeof makeSealCertificate>;
let seal: SealConfig;

beforeAll(() => {
  certificate = makeSealCertificate();
  seal = loadConfig({ DATA_DIR: tempDataDir(), SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: certificate.password }).seal!;
});
afterAll(() => rmSync(certificate.dir, { recursive: true, force: true }));

async function letterInput() {
  const app = await buildTestApp();
  const { organiser } = await makeOrganiser(app.db);
  const appeal = makeAppeal(app.db, organiser.id);
  const list = makeList(app.db, organiser.id);
  makeAddressee(app.db, list, { lastName: 'Dvořák', institution: 'Gemeinde Kranenburg' });
  addListToAppeal({ db: app.db, organiserId: organiser.id, appeal, listId: list.id, collective: false });
  const { model } = resolveLetter({ db: app.db, fileStore: app.fileStore, clock, appeal, baseUrl: app.config.baseUrl });
  const recipients = buildRecipients({ db: app.db, appeal }).personal.map((recipient) => ({ ...recipient, code: 'ABCD-EFGH' }));
  return { model, recipients };
}

/** Lays the letter out afresh and stamps it (sealed or not). */
async function render({ model, recipients }: Awaited<ReturnType<typeof letterInput>>, withSeal: boolean) {
  const prepared = await prepareLetter(model, { extraTexts: recipientTexts(recipients), salutationLines: salutationLinesFor(recipients), createdAt: clock(), ...(withSeal ? { seal } : {}) });
  return stampLetter(prepared, recipients[0]!);
}

function run(command: string, bytes: Uint8Array, args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'mz-seal-run-'));
  writeFileSync(join(dir, 'letter.pdf'), bytes);
  return spawnSync(command, [...args, join(dir, 'letter.pdf')], { encoding: 'utf8' });
}

async function pageRows(bytes: Uint8Array): Promise<{ width: number; rows: Buffer[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'mz-seal-png-'));
  writeFileSync(join(dir, 'letter.pdf'), bytes);
  execFileSync('pdftoppm', ['-r', '60', '-png', '-singlefile', '-f', '1', '-l', '1', join(dir, 'letter.pdf'), join(dir, 'page')]);
  const png = join(dir, 'page.png');
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, rows: Array.from({ length: info.height }, (_, row) => data.subarray(row * info.width, (row + 1) * info.width)) };
}

describe('the electronic seal', () => {
  it('is valid for pdfsig, names the holder, keeps qpdf and PDF/A happy, and gives the same bytes for the same input', async () => {
    expect(seal.holder).toBe('Aktionsbündnis Kleve, Aktionsbündnis für Integration e.V.');
    const input = await letterInput();
    const letter = await render(input, true);
    const check = run('pdfsig', letter.bytes, []);
    expect(check.stdout).toContain('Signature Type: ETSI.CAdES.detached');
    expect(check.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(check.stdout).toContain('Total document signed');
    expect(check.stdout).toContain('Signing Time: Nov 22 2026 10:00:00');
    // Untrusted: a self-signed test certificate.
    expect(check.stdout).toMatch(/Certificate Validation: Certificate issuer isn't Trusted/);
    const qpdf = run('qpdf', letter.bytes, ['--check']);
    expect(qpdf.status).toBe(0);
    expect(qpdf.stderr).toBe('');
    // The rewritten catalog keeps the PDF/A metadata and the output intent.
    expect(execFileSync('pdfinfo', ['-meta', '-'], { input: letter.bytes, encoding: 'utf8' })).toContain('<pdfaid:part>2</pdfaid:part>');
    const text = Buffer.from(letter.bytes).toString('latin1');
    const acroForm = text.lastIndexOf('/AcroForm << /Fields [');
    const catalog = text.slice(text.lastIndexOf(' obj', acroForm), text.indexOf('endobj', acroForm));
    for (const entry of ['/Type /Catalog', '/Metadata', '/OutputIntents', '/Lang', '/SigFlags 3']) expect(catalog).toContain(entry);
    // signing-certificate-v2 (1.2.840.113549.1.9.16.2.47) is among the signed attributes; no signing-time (…1.9.5).
    const contents = /\/Contents <([0-9a-f]+)>/.exec(text)![1]!;
    expect(contents).toContain('060b2a864886f70d010910022f');
    expect(contents).not.toContain('06092a864886f70d010905');
    // The footer says who sealed.
    expect(poppler('pdftotext', letter.bytes).replace(/\s+/g, ' ')).toContain('Elektronisch gesiegelt von Aktionsbündnis Kleve, Aktionsbündnis für Integration e.V.');
    const again = await render(input, true);
    expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(letter.bytes))).toBe(0);
    expect(again.sha256).toBe(letter.sha256);
  });

  it('changes nothing else the letter shows: page 1 differs only in the seal line (276.5 mm)', async () => {
    const input = await letterInput();
    const [sealed, plain] = [await render(input, true), await render(input, false)];
    expect(poppler('pdftotext', plain.bytes)).not.toContain('gesiegelt');
    const a = await pageRows(sealed.bytes);
    const b = await pageRows(plain.bytes);
    const changed = a.rows.flatMap((row, index) => (Buffer.compare(row, b.rows[index]!) === 0 ? [] : [index]));
    expect(changed.length).toBeGreaterThan(0);
    const mm = (row: number) => (row / 60) * 25.4;
    expect(mm(Math.min(...changed))).toBeGreaterThan(272);
    expect(mm(Math.max(...changed))).toBeLessThan(278);
  });

  it('makes the same CMS through @signpdf/signpdf with SealSigner (the Signer for other PDFs)', async () => {
    const letter = Buffer.from((await render(await letterInput(), true)).bytes);
    const text = letter.toString('latin1');
    // Back to the placeholder: ByteRange and Contents as they were before signing.
    const range = /\/ByteRange \[[^\]]*\]\s*/.exec(text)!;
    const contents = /\/Contents <([0-9a-f]+)>/.exec(text)!;
    const placeholder = Buffer.from(letter);
    placeholder.write('/ByteRange [0 /********** /********** /**********]'.padEnd(range[0].length, ' '), range.index, 'latin1');
    placeholder.write('0'.repeat(contents[1]!.length), contents.index + '/Contents <'.length, 'latin1');
    const signed = await new SignPdf().sign(placeholder, new SealSigner(loadSealer(seal)));
    expect(Buffer.compare(signed, letter)).toBe(0);
  });
});

describe('sealing another PDF (saveSealed, e.g. for a signing record)', () => {
  it('seals a document made with createPdfDocument: valid for pdfsig, still PDF/A', async () => {
    const doc = await createPdfDocument({ title: 'Zeichnungsnachweis', coalitionName: 'Bündnis Kleve', slug: 'aufruf', createdAt: clock() });
    const font = await createFonts(doc).get('regular');
    doc.addPage([595.28, 841.89]).drawText('Zeichnungsnachweis für Żółć', { x: 72, y: 760, size: 12, font });
    const bytes = await saveSealed(doc, { settings: seal, at: clock(), location: 'mitzeichnen.example.org', reason: 'Nachweis' });
    expect(run('pdfsig', bytes, []).stdout).toContain('Signature is Valid.');
    expect(run('qpdf', bytes, ['--check']).status).toBe(0);
    expect(execFileSync('pdfinfo', ['-meta', '-'], { input: bytes, encoding: 'utf8' })).toContain('<pdfaid:conformance>U</pdfaid:conformance>');
  });
});

describe('the seal certificate at start', () => {
  const load = (env: Record<string, string>) => {
    try {
      loadConfig({ DATA_DIR: tempDataDir(), ...env });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('no ConfigError');
  };

  it('refuses a wrong password, a missing file, a file that is no PKCS#12 and a password without file, in German', () => {
    expect(load({ SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: 'falsch' })).toEqual([`Das Passwort in SEAL_P12_PASSWORD passt nicht zur Siegeldatei „${certificate.p12File}“. Bitte prüfen Sie das Passwort.`]);
    const missing = join(certificate.dir, 'gibt-es-nicht.p12');
    expect(load({ SEAL_P12_FILE: missing, SEAL_P12_PASSWORD: 'x' })).toEqual([`Die Siegeldatei „${missing}“ (SEAL_P12_FILE) lässt sich nicht lesen: Die Datei gibt es nicht.`]);
    const garbage = join(certificate.dir, 'kaputt.p12');
    writeFileSync(garbage, 'kein Zertifikat');
    expect(load({ SEAL_P12_FILE: garbage, SEAL_P12_PASSWORD: 'x' })[0]).toContain('ist keine gültige PKCS#12-Datei');
    expect(load({ SEAL_P12_FILE: certificate.p12File })[0]).toContain('SEAL_P12_PASSWORD fehlt');
    expect(load({ SEAL_P12_PASSWORD: 'x' })[0]).toContain('SEAL_P12_FILE fehlt');
  });

  it('leaves letters unsealed when nothing is configured', () => {
    expect(loadConfig({ DATA_DIR: tempDataDir() }).seal).toBeUndefined();
  });
});
