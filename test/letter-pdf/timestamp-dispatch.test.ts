// Sending with a seal and a timestamp server (SEAL_TSA_URL) through the real stack: the dispatch,
// the mail worker, a real SMTP sink and a real RFC 3161 server (openssl ts). While the server is
// down no letter goes out unsealed: every letter mail waits for a retry, the dispatch log says
// why in German (and "Jetzt versenden" answers with the reason); once it answers, the letters
// go out sealed with the token in their seal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeFinalAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { pageText } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { makeSealCertificate } from '../helpers/seal-certificate.ts';
import { startTestTsa } from '../helpers/tsa.ts';
import { poppler } from '../helpers/pdf.ts';
import { t } from '../../server/i18n/index.ts';

const certificate = makeSealCertificate('/CN=Siegel Bündnis Kleve/O=Bündnis Kleve e.V./C=DE');
afterAll(() => rmSync(certificate.dir, { recursive: true, force: true }));

const REASON = 'Der Zeitstempeldienst des Siegels (SEAL_TSA_URL) antwortet gerade nicht (HTTP 503). Ohne Zeitstempel wird kein Schreiben ausgestellt; der Versand versucht es später noch einmal.';
/** id-aa-signatureTimeStampToken as DER (OID 1.2.840.113549.1.9.16.2.14), in the hex of /Contents. */
const TIMESTAMP_ATTRIBUTE = '060b2a864886f70d010910020e';

describe('sending sealed letters with a timestamp server', () => {
  it('refuses to start while the server is down, retries a letter whose timestamp failed (German reason in the log), and sends every letter sealed with a timestamp', { timeout: 180_000 }, async () => {
    const tsa = await startTestTsa();
    const sink = await SmtpSink.start();
    const time = manualClock(fixedNow);
    const env = { SMTP_URL: sink.url(), MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>', SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: certificate.password, SEAL_TSA_URL: tsa.url, SEAL_TSA_TIMEOUT_MS: '30000' };
    const app = await buildTestApp({ clock: time.clock, env });
    try {
      const { organiser, password } = await makeOrganiser(app.db, { email: 'andrea@buendnis.example' });
      const made = await makeFinalAppeal(app, organiser.id, { addressees: [1, 2].map((n) => ({ institution: `Gemeinde ${n}`, lastName: `Muster${n}`, email: `buero${n}@gemeinde.example` })) });
      const { worker } = makeMailWorker({ db: app.db, clock: time.clock, config: app.config, concurrency: 2, retryDelayMs: () => 60_000 });
      await worker.runOnce();
      const before = sink.received.length;
      const agent = app.http();
      await loginAs(agent, { email: organiser.email, password });
      const page = `/appeals/${made.appeal.slug}/dispatch`;
      // The letter mails (the signatories' thanks that follow carry the letter too).
      const withPdf = (from: number) => sink.received.slice(from).filter((mail) => mail.envelope.to[0]!.endsWith('@gemeinde.example') && mail.parsed.attachments.some((file) => file.mimeType === 'application/pdf'));

      // Down before sending: "Jetzt versenden" needs the sample letter, so it answers with the reason; nothing starts.
      tsa.mode = 'down';
      await agent.get(page).expect(200);
      const refused = await submitForm(agent, page, page, {});
      expect(refused.status).toBe(503);
      expect(pageText(refused.text)).toContain(REASON);

      // Up: the dispatch starts (the sample is the first letter; its token is kept).
      tsa.mode = 'ok';
      expect((await submitForm(agent, page, page, {})).status).toBe(303);
      expect(tsa.answered).toBe(1);

      // Down while sending: each delivery's letter carries its own reply link, so none is the sample
      // and each needs a timestamp of its own; no letter goes out unstamped, both wait, the log says why.
      tsa.mode = 'down';
      await worker.runOnce();
      expect(withPdf(before)).toEqual([]);
      const log = pageText((await agent.get(page).expect(200)).text);
      expect(log).toContain(REASON);
      expect(log).toContain('nächster Versuch');

      // Up again: the retry sends both letters.
      tsa.mode = 'ok';
      time.advance(61_000);
      await worker.runOnce();
      const letters = withPdf(before);
      expect(letters.map((mail) => mail.envelope.to[0]).sort()).toEqual(['buero1@gemeinde.example', 'buero2@gemeinde.example']);
      expect(tsa.answered).toBe(3);
      for (const mail of letters) {
        const pdf = Buffer.from(mail.parsed.attachments.find((file) => file.mimeType === 'application/pdf')!.content as ArrayBuffer);
        const contents = /\/Contents <([0-9a-f]+)>/.exec(pdf.toString('latin1'))![1]!;
        expect(contents).toContain(TIMESTAMP_ATTRIBUTE);
        const dir = mkdtempSync(join(tmpdir(), 'mz-tsa-mail-'));
        writeFileSync(join(dir, 'brief.pdf'), pdf);
        expect(spawnSync('pdfsig', [join(dir, 'brief.pdf')], { encoding: 'utf8' }).stdout).toContain('Signature is Valid.');
        rmSync(dir, { recursive: true, force: true });
      }
      // The verification page explains the seal and its timestamp, in plain words.
      const pdf = Buffer.from(letters[0]!.parsed.attachments.find((file) => file.mimeType === 'application/pdf')!.content as ArrayBuffer);
      const code = /Prüfcode ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(poppler('pdftotext', pdf))![1]!;
      const verification = await app.http().get(`/v/${code}`).expect(200);
      expect(verification.text).toContain(t('verify.seal.title'));
      expect(verification.text).toContain('gesiegelt von: Siegel Bündnis Kleve, Bündnis Kleve e.V.');
      expect(pageText(verification.text)).toContain('Dieser Server versieht seine Siegel zusätzlich mit einem Zeitstempel eines unabhängigen Zeitstempeldienstes');
    } finally {
      await tsa.close();
    }
  });
});
