// The supporter list as the letter is made: PDF/A-2u with tags (H1, H2, one list item per
// organisation or named citizen, Lang de-DE, MarkInfo) and, when a seal is configured, sealed
// like the letters (pdfsig valid) — for a final appeal only, never for a draft's preview.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { buildTestApp, fixedNow, tempDataDir } from '../helpers/app.ts';
import { makeAppeal, makeFinalAppeal, makeOrganiser } from '../helpers/factories.ts';
import { poppler } from '../helpers/pdf.ts';
import { flatten, qpdfCheck, structureTrees } from '../helpers/pdf-tags.ts';
import { makeSealCertificate } from '../helpers/seal-certificate.ts';
import { loadConfig } from '../../server/config.ts';
import { renderSupporterList } from '../../server/letter-pdf/supporter-list.ts';
import type { SupporterListModel } from '../../server/letter-pdf/supporter-list.ts';
import { issueSupporterList } from '../../server/letters/supporter-list.service.ts';
import { letterDocumentsRepository } from '../../server/letters/letter-documents.repository.ts';

const certificate = makeSealCertificate('/CN=Siegel Bündnis Kleve/O=Bündnis Kleve e.V./C=DE');
afterAll(() => rmSync(certificate.dir, { recursive: true, force: true }));
const seal = loadConfig({ DATA_DIR: tempDataDir(), SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: certificate.password }).seal!;

const model = (overrides: Partial<SupporterListModel> = {}): SupporterListModel => ({
  slug: 'aufruf',
  coalitionName: 'Bündnis Kleve',
  title: 'Für ein Kommunales Integrationszentrum',
  asOf: '2026-11-22',
  organisations: Array.from({ length: 30 }, (_, i) => ({ name: i === 4 ? 'Evangelische Kirchengemeinde Emmerich am Rhein' : `Verein Żółć ${i + 1} e.V.`, place: i === 4 ? 'Emmerich am Rhein' : 'Goch' })),
  citizens: Array.from({ length: 150 }, (_, i) => ({ name: i === 0 ? 'Jana Dvořák' : `Bürgerin ${i + 1}`, place: 'Kleve' })),
  namedCitizens: 150,
  citizenCount: 170,
  code: 'ABCD-EFGH',
  baseUrl: 'https://mitzeichnen.example.org',
  ...overrides,
});

const pdfsig = (bytes: Uint8Array) => {
  const dir = mkdtempSync(join(tmpdir(), 'mz-list-'));
  writeFileSync(join(dir, 'list.pdf'), bytes);
  const out = spawnSync('pdfsig', [join(dir, 'list.pdf')], { encoding: 'utf8' }).stdout;
  rmSync(dir, { recursive: true, force: true });
  return out;
};

describe('the supporter list', () => {
  it('is tagged like the letter: H1, H2 per section, one LI per organisation and per named citizen, Lang de-DE, MarkInfo', { timeout: 60_000 }, async () => {
    const { bytes, pageCount } = await renderSupporterList(model(), new Date(fixedNow));
    expect(pageCount).toBeGreaterThanOrEqual(2);
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(doc.catalog.get(PDFName.of('StructTreeRoot'))).toBeDefined();
    expect(doc.catalog.lookup(PDFName.of('MarkInfo'), PDFDict).get(PDFName.of('Marked'))?.toString()).toBe('true');
    expect(doc.catalog.get(PDFName.of('Lang'))?.toString()).toBe('(de-DE)');
    // pdfjs gives each page the whole tree, with the text of that page's content: each element once where it has text.
    const trees = await structureTrees(bytes);
    const all = trees.flatMap((tree) => flatten(tree)).filter((node) => node.text.trim() !== '').map((node) => ({ ...node, text: node.text.trim() }));
    expect(all.filter((node) => node.role === 'H1').map((node) => node.text)).toEqual(['Unterstützerliste']);
    const headings = all.filter((node) => node.role === 'H2').map((node) => node.text);
    expect(headings.some((text) => text.includes('30'))).toBe(true);
    expect(headings.some((text) => text.includes('170'))).toBe(true);
    const items = all.filter((node) => node.role === 'LI').map((node) => node.text);
    expect(items).toHaveLength(30 + 150);
    expect(items).toContain('Verein Żółć 1 e.V., Goch');
    expect(items).toContain('Evangelische Kirchengemeinde Emmerich am Rhein');
    expect(items).toContain('Jana Dvořák, Kleve');
    // Every item sits in a list; footer and page numbers are artifacts, not text of the tree.
    expect(all.filter((node) => node.role === 'L').flatMap((node) => node.children).every((child) => child.role === 'LI')).toBe(true);
    expect(all.some((node) => node.text.includes('Prüfcode'))).toBe(false);
    expect(qpdfCheck(bytes)).toContain('No syntax or stream encoding errors found');
    // Still PDF/A-2u, unsealed without a seal.
    expect(execFileSync('pdfinfo', ['-meta', '-'], { input: bytes, encoding: 'utf8' })).toContain('<pdfaid:conformance>U</pdfaid:conformance>');
    expect(pdfsig(bytes)).toContain('does not contain any signatures');
  });

  it('is sealed like the letters when a seal is configured (valid for pdfsig, still PDF/A, same bytes again)', { timeout: 60_000 }, async () => {
    const { bytes } = await renderSupporterList(model({ seal }), new Date(fixedNow));
    const check = pdfsig(bytes);
    expect(check).toContain('Signature Validation: Signature is Valid.');
    expect(check).toContain('Signer Certificate Common Name: Siegel Bündnis Kleve');
    expect(check).toContain('Total document signed');
    expect(qpdfCheck(bytes)).toContain('No syntax or stream encoding errors found');
    expect(execFileSync('pdfinfo', ['-meta', '-'], { input: bytes, encoding: 'utf8' })).toContain('<pdfaid:part>2</pdfaid:part>');
    expect((await structureTrees(bytes)).flatMap((tree) => flatten(tree)).some((node) => node.role === 'H1')).toBe(true);
    expect(poppler('pdftotext', bytes)).toContain('Jana Dvořák, Kleve');
    const again = await renderSupporterList(model({ seal }), new Date(fixedNow));
    expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(bytes))).toBe(0);
  });

  it('is issued sealed for a final appeal (recorded as sealed) and unsealed for a draft', { timeout: 120_000 }, async () => {
    const app = await buildTestApp();
    const { organiser } = await makeOrganiser(app.db);
    const { appeal } = await makeFinalAppeal(app, organiser.id, { addressees: [{ institution: 'Stadt Goch' }] });
    const clock = () => new Date(fixedNow);
    const issued = await issueSupporterList({ db: app.db, clock, appeal, baseUrl: app.config.baseUrl, day: '2026-11-22', seal });
    expect(pdfsig(issued.bytes)).toContain('Signature is Valid.');
    expect(letterDocumentsRepository(app.db).findByCode(issued.code)!.document.sealedBy).toBe('Siegel Bündnis Kleve, Bündnis Kleve e.V.');
    const draft = makeAppeal(app.db, organiser.id);
    const preview = await issueSupporterList({ db: app.db, clock, appeal: draft, baseUrl: app.config.baseUrl, day: '2026-11-22', seal });
    expect(pdfsig(preview.bytes)).toContain('does not contain any signatures');
    expect(letterDocumentsRepository(app.db).findByCode(preview.code)!.document.sealedBy).toBeNull();
  });
});
