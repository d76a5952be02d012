// Sealed letters through the real stack: SEAL_P12_FILE configured, the letter of a final appeal
// is rendered and sealed in the worker pool, the stored hash is that of the sealed file, and the
// /v/ page explains the seal in plain words. A draft (ENTWURF) is no issued letter: not sealed.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import { buildTestApp } from '../helpers/app.ts';
import { loginAs, makeAddressee, makeAppeal, makeFinalAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';
import { csrfToken } from '../helpers/html.ts';
import { makeSealCertificate } from '../helpers/seal-certificate.ts';
import { t } from '../../server/i18n/index.ts';
import { addListToAppeal } from '../../server/addressees/addressees.service.ts';
import { letterDocuments } from '../../server/letters/letter-documents.table.ts';

const certificate = makeSealCertificate('/CN=Siegel Bündnis Kleve/O=Bündnis Kleve e.V./C=DE');
afterAll(() => rmSync(certificate.dir, { recursive: true, force: true }));

function binary(res: Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}

async function appealWithAddressee(env: Record<string, string>, { final = true }: { final?: boolean } = {}) {
  const app = await buildTestApp({ env });
  const { organiser, password } = await makeOrganiser(app.db);
  let appeal;
  let addressee;
  if (final) {
    const made = await makeFinalAppeal(app, organiser.id, { addressees: [{ lastName: 'Ağaoğlu', institution: 'Stadt Goch' }] });
    appeal = made.appeal;
    addressee = made.addressees[0]!;
  } else {
    appeal = makeAppeal(app.db, organiser.id);
    const list = makeList(app.db, organiser.id);
    addressee = makeAddressee(app.db, list, { lastName: 'Ağaoğlu', institution: 'Stadt Goch' });
    addListToAppeal({ db: app.db, organiserId: organiser.id, appeal, listId: list.id, collective: false });
  }
  const agent = app.http();
  await loginAs(agent, { email: organiser.email, password });
  return { app, agent, appeal, addressee };
}

const codeOf = (pdf: Buffer) => /Prüfcode ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(execFileSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' }))![1]!;

describe('sealed letters', () => {
  it('are sealed in the worker pool, recorded with the hash of the sealed bytes, and /v/ explains the seal', async () => {
    const { app, agent, appeal, addressee } = await appealWithAddressee({ SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: certificate.password });
    const response = await agent.get(`/appeals/${appeal.slug}/letters/preview?recipient=a${addressee.id}`).buffer(true).parse(binary).expect(200);
    const pdf = response.body as Buffer;
    const dir = mkdtempSync(join(tmpdir(), 'mz-sealed-'));
    writeFileSync(join(dir, 'letter.pdf'), pdf);
    expect(execFileSync('pdfsig', [join(dir, 'letter.pdf')], { encoding: 'utf8' })).toContain('Signature is Valid.');
    const code = codeOf(pdf);
    const row = app.db.select().from(letterDocuments).where(eq(letterDocuments.code, code)).get()!;
    expect(row.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(row.sealedBy).toBe('Siegel Bündnis Kleve, Bündnis Kleve e.V.');

    const page = await app.http().get(`/v/${code}`).expect(200);
    expect(page.text).toContain(t('verify.seal.title'));
    expect(page.text).toContain('gesiegelt von: Siegel Bündnis Kleve, Bündnis Kleve e.V.');
    expect(page.text).toContain('„Unterschriften“');
    // No timestamp server configured: the page does not speak of a timestamp.
    expect(page.text).not.toContain('Zeitstempel');
    // Plain words on the screen.
    for (const jargon of ['PKCS', 'SHA-256', 'CAdES', 'PAdES', 'Hash']) expect(page.text.replace(/<details[\s\S]*?<\/details>/g, '')).not.toContain(jargon);
    // The sealed file as downloaded is the one the page confirms.
    const agentV = app.http();
    const form = await agentV.get(`/v/${code}`).expect(200);
    const match = await agentV.post(`/v/${code}`).field('_csrf', csrfToken(form.text)).attach('file', pdf, { filename: 'brief.pdf', contentType: 'application/pdf' }).expect(200);
    expect(match.text).toContain('stimmt genau');
  });

  it('a draft (ENTWURF) is not sealed even with SEAL_P12_FILE: it is no issued letter', async () => {
    const { app, agent, appeal, addressee } = await appealWithAddressee({ SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: certificate.password }, { final: false });
    const response = await agent.get(`/appeals/${appeal.slug}/letters/preview?recipient=a${addressee.id}`).buffer(true).parse(binary).expect(200);
    const pdf = response.body as Buffer;
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' });
    expect(text).toContain('ENTWURF');
    expect(text).not.toContain('gesiegelt');
    expect(pdf.toString('latin1')).not.toContain('/ByteRange');
    const dir = mkdtempSync(join(tmpdir(), 'mz-draft-'));
    writeFileSync(join(dir, 'letter.pdf'), pdf);
    expect(spawnSync('pdfsig', [join(dir, 'letter.pdf')], { encoding: 'utf8' }).stdout).toContain('does not contain any signatures');
    const code = codeOf(pdf);
    expect(app.db.select().from(letterDocuments).where(eq(letterDocuments.code, code)).get()!.sealedBy).toBeNull();
    expect((await app.http().get(`/v/${code}`).expect(200)).text).not.toContain(t('verify.seal.title'));
  });

  it('are not sealed, and /v/ says nothing of a seal, without SEAL_P12_FILE', async () => {
    const { app, agent, appeal, addressee } = await appealWithAddressee({});
    const response = await agent.get(`/appeals/${appeal.slug}/letters/preview?recipient=a${addressee.id}`).buffer(true).parse(binary).expect(200);
    const pdf = response.body as Buffer;
    expect(execFileSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' })).not.toContain('gesiegelt');
    const code = codeOf(pdf);
    expect(app.db.select().from(letterDocuments).where(eq(letterDocuments.code, code)).get()!.sealedBy).toBeNull();
    const page = await app.http().get(`/v/${code}`).expect(200);
    expect(page.text).not.toContain(t('verify.seal.title'));
  });
});
