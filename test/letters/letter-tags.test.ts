// The letter as a tagged PDF: structure tree, marked content, reading order, artifacts.
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { writeFileSync } from 'node:fs';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { flatten, qpdfCheck, structureTrees } from '../helpers/pdf-tags.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { issueLetters } from '../../server/letters/letters.service.ts';
import { buildRecipients } from '../../server/letters/recipients.ts';

const clock = () => new Date(fixedNow);

async function demoLetters() {
  const app = await buildTestApp();
  await seedDemo({ config: app.config, db: app.db, clock, fileStore: app.fileStore, demoPassword: 'demo-passwort-geheim' });
  const appeal = app.db.select().from(appeals).where(eq(appeals.slug, 'kleve-aufruf-integration')).get()!;
  // The master and the letter to the Landrat (a two-line salutation of its own, several pages).
  const landrat = buildRecipients({ db: app.db, appeal }).personal.find((recipient) => recipient.addressLines.includes('Herrn Landrat'))!;
  const issue = () => issueLetters({ db: app.db, fileStore: app.fileStore, clock, baseUrl: app.config.baseUrl, appeal, selection: { master: true, personal: { addresseeId: landrat.addresseeId! } } });
  return { app, appeal, issue };
}

describe('the tagged letter', () => {
  it('has a structure tree: document, heading, paragraphs, list, notes, figures with alt text; address and salutation before the body', async () => {
    const { issue } = await demoLetters();
    const result = await issue();
    const landrat = result.personal[0]!;
    if (process.env.KEEP_PDF) writeFileSync(process.env.KEEP_PDF, landrat.bytes);
    expect(qpdfCheck(landrat.bytes)).toContain('No syntax or stream encoding errors');
    const trees = await structureTrees(landrat.bytes);
    const first = flatten(trees[0]!);
    expect(first[1]!.role).toBe('Document');
    const roles = first.map((node) => node.role);
    const texts = first.map((node) => node.text);
    // Reading order: return line, address, …, subject (H1), salutation, body.
    const returnLine = texts.findIndex((text, index) => index > 1 && text.startsWith('Aktionsbündnis') && text.includes('@'));
    const address = texts.findIndex((text, index) => index > 1 && text.startsWith('Kreis Kleve') && text.includes('Herrn Landrat'));
    const salutation = texts.indexOf('Sehr geehrter Herr Landrat,');
    const subject = roles.indexOf('H1');
    const body = texts.findIndex((text) => text.startsWith('der Kreis Kleve ist'));
    expect(returnLine).toBeGreaterThan(1);
    expect(address).toBe(returnLine + 1);
    expect(subject).toBeGreaterThan(address);
    expect(salutation).toBe(subject + 1);
    expect(body).toBe(salutation + 1);
    expect(roles[body]).toBe('P');
    expect(roles).toContain('H2');
    // Roles in the whole letter.
    const all = trees.flatMap((tree) => flatten(tree));
    const allRoles = new Set(all.map((node) => node.role));
    for (const role of ['Document', 'H1', 'P', 'Figure']) expect(allRoles, role).toContain(role);
    for (const figure of all.filter((node) => node.role === 'Figure')) expect(figure.alt, 'alt text').toBeTruthy();
    // Artifacts are not in the tree: no page numbers, no footer line.
    expect(all.some((node) => /^Seite \d+ von \d+$/.test(node.text) || node.text.includes('prüfen unter'))).toBe(false);
        expect(all.filter((node) => node.role === 'L').length).toBeGreaterThan(0);
    expect(all.filter((node) => node.role === 'LI').map((node) => node.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^1\. ?sich für die Einrichtung eines Kommunalen/)]));
    expect(all.filter((node) => node.role === 'Note').map((node) => node.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^1 ?Die größten Gruppen/)]));
    for (const list of all.filter((node) => node.role === 'L')) expect(list.children.every((child) => child.role === 'LI')).toBe(true);
  });

  it('stays byte-deterministic', async () => {
    const { issue } = await demoLetters();
    const first = await issue();
    const second = await issue();
    expect(second.master!.sha256).toBe(first.master!.sha256);
    expect(second.personal.map((letter) => letter.sha256)).toEqual(first.personal.map((letter) => letter.sha256));
  });
});
