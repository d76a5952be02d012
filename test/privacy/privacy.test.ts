// Export and deletion of a person's data through the pages: the owner of an appeal for its
// representatives and addressees, an organiser for their own account; never across coalitions.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { addMember } from '../../server/appeals/appeals.service.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { readAuditTrail } from '../../server/audit/audit.service.ts';
import { addresseeLists, addressees } from '../../server/addressees/addressees.table.ts';
import { startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { deliveries } from '../../server/dispatch/dispatch.table.ts';
import { issueLetters } from '../../server/letters/letters.service.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { organisers, sessions } from '../../server/organisers/organisers.table.ts';
import { signatories } from '../../server/signatories/signatories.table.ts';
import { openForSigning, resendInvitation } from '../../server/signing/signing-organiser.service.ts';
import { recordSignature } from '../../server/signing/signing-representative.service.ts';
import { signingRepository } from '../../server/signing/signing.repository.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeFinalAppeal, makeOrganiser, makeSignatory, submitForm } from '../helpers/factories.ts';
import { pageText } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import type { PersonExport } from '../../server/privacy/person-export.ts';

const emlFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.eml')) : []);
const emlTo = (dir: string, address: string) => emlFiles(dir).filter((name) => readFileSync(join(dir, name), 'utf8').toLowerCase().includes(`to: ${address}`) || readFileSync(join(dir, name), 'utf8').toLowerCase().includes(`<${address}>`));

async function signingAppeal() {
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock });
  const owner = await makeOrganiser(test.db, { name: 'Andrea Beispiel' });
  const appeal = makeAppeal(test.db, owner.organiser.id, { body: 'Wir fordern ein Integrationszentrum.' });
  const marta = await makeSignatory(test.db, test.fileStore, appeal, { name: 'AWO Kreisverband Kleve e.V.', representativeName: 'Marta Muster', representativeEmail: 'marta@awo.example' });
  const rainer = await makeSignatory(test.db, test.fileStore, appeal, { name: 'Caritasverband Kleve e.V.', representativeName: 'Rainer Janssen', representativeEmail: 'rainer@caritas.example' });
  const deps = { db: test.db, clock: time.clock, config: test.config };
  expect(openForSigning({ ...deps, appeal, actor: 'Organisator:in Andrea Beispiel', deadline: '' }).ok).toBe(true);
  const { worker } = makeMailWorker(deps);
  await worker.runOnce();
  const png = await sharp({ create: { width: 60, height: 20, channels: 3, background: '#ffffff' } }).png().toBuffer();
  const signatureFile = test.fileStore.write('signatures', png, 'png');
  const context = signingRepository(test.db).findSignatoryContext(marta.signatory.id)!;
  const version = signingRepository(test.db).latestVersion(appeal.id)!;
  const input = { representativeName: 'Marta Muster', representativeFunction: 'Vorsitzende', kind: 'drawn' as const, consentPublic: true, consentLogo: true };
  recordSignature({ ...deps, context, version, input, signatureFile, ip: '203.0.113.0' });
  await worker.runOnce();
  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });
  const current = () => test.db.select().from(appeals).where(eq(appeals.id, appeal.id)).get()!;
  return { ...test, time, owner, appeal, marta, rainer, signatureFile, browser, worker, current };
}

describe('a representative asks for their data', () => {
  it('shows the owner a readable page and a JSON file with everything about them in this appeal', async () => {
    const setup = await signingAppeal();
    const base = `/appeals/${setup.appeal.slug}/privacy`;
    const overview = await setup.browser.get(base).expect(200);
    expect(pageText(overview.text)).toContain('Marta Muster');
    const page = await setup.browser.get(`${base}/signatories/${setup.marta.signatory.id}`).expect(200);
    const text = pageText(page.text);
    for (const expected of ['Marta Muster', 'marta@awo.example', 'AWO Kreisverband Kleve e.V.', 'unterzeichnet', 'Unterzeichnen', 'Einträge im Protokoll']) expect(text).toContain(expected);
    expect(page.text).toContain('data:image/png;base64,');
    expect(text).not.toContain('Rainer Janssen');

    const json = await setup.browser.get(`${base}/signatories/${setup.marta.signatory.id}/export.json`).expect(200);
    expect(json.headers['content-disposition']).toMatch(/attachment; filename=".*\.json"/);
    const exported = JSON.parse(json.text) as PersonExport;
    const entry = exported.representatives[0]!;
    expect(entry).toMatchObject({ name: 'Marta Muster', email: 'marta@awo.example', function: 'Vorsitzende', status: 'signed', signatureKind: 'drawn', consents: { namedInPublic: true, logoInLetter: true } });
    expect(entry.signedVersion?.number).toBe(1);
    expect(entry.signatureImage?.pngBase64.length).toBeGreaterThan(20);
    expect(entry.linksSent.map((link) => link.purpose)).toContain('sign');
    expect(entry.mails.map((mail) => mail.kind)).toEqual(expect.arrayContaining(['signing-invitation', 'signing-confirmation']));
    expect(entry.auditEvents.map((event) => event.action)).toEqual(expect.arrayContaining(['invited', 'signed', 'mail_sent']));
    expect(json.text).not.toContain('rainer@caritas.example');
    // No token or password hash leaves the app.
    expect(json.text).not.toMatch(/token|password/i);
  });

  it('is only for the owner of the appeal; another coalition gets 404, an editor 403', async () => {
    const setup = await signingAppeal();
    const path = `/appeals/${setup.appeal.slug}/privacy/signatories/${setup.marta.signatory.id}`;
    const stranger = await makeOrganiser(setup.db);
    const strangerBrowser = setup.http();
    await loginAs(strangerBrowser, { email: stranger.organiser.email, password: stranger.password });
    await strangerBrowser.get(path).expect(404);
    await strangerBrowser.get(`${path}/export.json`).expect(404);
    await strangerBrowser.get(`/appeals/${setup.appeal.slug}/privacy`).expect(404);

    const editor = await makeOrganiser(setup.db);
    addMember({ db: setup.db, clock: setup.time.clock, appeal: setup.appeal, input: { email: editor.organiser.email, role: 'editor' }, addedBy: 'Test' });
    const editorBrowser = setup.http();
    await loginAs(editorBrowser, { email: editor.organiser.email, password: editor.password });
    await editorBrowser.get(path).expect(403);

    // A signatory of another appeal is not found through this one.
    const other = makeAppeal(setup.db, stranger.organiser.id);
    const foreign = await makeSignatory(setup.db, setup.fileStore, other, { representativeEmail: 'fremd@example.org' });
    await setup.browser.get(`/appeals/${setup.appeal.slug}/privacy/signatories/${foreign.signatory.id}`).expect(404);
    const refused = await submitForm(setup.browser, path, `/appeals/${setup.appeal.slug}/privacy/signatories/${foreign.signatory.id}/delete`, { confirm: 'on' });
    expect(refused.status).toBe(404);
    expect(setup.db.select().from(signatories).where(eq(signatories.id, foreign.signatory.id)).get()!.representativeEmail).toBe('fremd@example.org');
  });

  it('deletes them: the signature stays as "gelöschte Person", the chain stays intact, /v/ no longer names them', async () => {
    const setup = await signingAppeal();
    const master = (await issueLetters({ db: setup.db, fileStore: setup.fileStore, clock: setup.time.clock, baseUrl: setup.config.baseUrl, appeal: setup.current(), selection: { master: true } })).master!;
    expect(pageText((await setup.http().get(`/v/${master.code}`).expect(200)).text)).toContain('Marta Muster');
    expect(emlTo(setup.config.mail.dir, 'marta@awo.example').length).toBe(2);
    const others = emlTo(setup.config.mail.dir, 'rainer@caritas.example').length;
    expect(others).toBe(1);

    const path = `/appeals/${setup.appeal.slug}/privacy/signatories/${setup.marta.signatory.id}`;
    const unconfirmed = await submitForm(setup.browser, path, `${path}/delete`, {});
    expect(unconfirmed.status).toBe(422);
    expect(pageText(unconfirmed.text)).toContain('Bitte bestätigen Sie das Löschen');
    expect(setup.db.select().from(signatories).where(eq(signatories.id, setup.marta.signatory.id)).get()!.representativeName).toBe('Marta Muster');

    const deleted = await submitForm(setup.browser, path, `${path}/delete`, { confirm: 'on' });
    expect(deleted.status).toBe(303);
    const row = setup.db.select().from(signatories).where(eq(signatories.id, setup.marta.signatory.id)).get()!;
    expect(row).toMatchObject({ representativeName: 'gelöschte Person', representativeEmail: '', representativeFunction: '', signatureFile: null, status: 'signed', consentPublic: false });
    expect(row.signedAt).not.toBeNull();
    expect(row.signedVersionId).not.toBeNull();
    expect(setup.fileStore.read('signatures', setup.signatureFile)).toBeUndefined();
    expect(emlTo(setup.config.mail.dir, 'marta@awo.example')).toEqual([]);
    expect(emlTo(setup.config.mail.dir, 'rainer@caritas.example').length).toBe(others);
    const outbox = setup.db.select().from(mailOutbox).all();
    expect(outbox.some((mail) => mail.recipient === 'marta@awo.example')).toBe(false);
    expect(outbox.some((mail) => mail.recipient === 'rainer@caritas.example')).toBe(true);

    const trail = readAuditTrail({ db: setup.db, appealId: setup.appeal.id });
    expect(trail.intact).toBe(true);
    expect(JSON.stringify(trail.events)).not.toMatch(/marta|Muster|203\.0\.113/i);
    expect(trail.events.at(-1)!.action).toBe('personal_data_deleted');
    const audit = await setup.browser.get(`/appeals/${setup.appeal.slug}/audit`).expect(200);
    expect(pageText(audit.text)).toContain('Die Kette ist unversehrt.');
    expect(pageText(audit.text)).toContain('pseudonymisiert');

    // Someone deleted before signing is no longer asked: no mail, no error.
    const rainerPath = `/appeals/${setup.appeal.slug}/privacy/signatories/${setup.rainer.signatory.id}`;
    expect((await submitForm(setup.browser, rainerPath, `${rainerPath}/delete`, { confirm: 'on' })).status).toBe(303);
    expect(setup.db.select().from(signatories).where(eq(signatories.id, setup.rainer.signatory.id)).get()!.status).toBe('declined');
    const queued = setup.db.select().from(mailOutbox).all().length;
    resendInvitation({ db: setup.db, clock: setup.time.clock, config: setup.config, appeal: setup.current(), actor: 'Test', signatoryId: setup.rainer.signatory.id });
    expect(setup.db.select().from(mailOutbox).all().length).toBe(queued);
    expect(readAuditTrail({ db: setup.db, appealId: setup.appeal.id }).intact).toBe(true);

    const verify = pageText((await setup.http().get(`/v/${master.code}`).expect(200)).text);
    expect(verify).not.toContain('Marta Muster');
    expect(verify).not.toContain('gelöschte Person');
  });
});

describe('an addressee asks for their data', () => {
  it('exports the entry, the letters with codes, deliveries and mails of this appeal, and deletes them', async () => {
    const time = manualClock(fixedNow);
    const test = await buildTestApp({ clock: time.clock });
    const owner = await makeOrganiser(test.db);
    const made = await makeFinalAppeal({ db: test.db, fileStore: test.fileStore, config: test.config }, owner.organiser.id, {
      addressees: [{ firstName: 'Ludger', lastName: 'Landrat', email: 'landrat@kreis-kleve.example' }, { firstName: 'Berta', lastName: 'Bürgermeisterin', email: 'rathaus@goch.example' }],
    });
    const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
    await worker.runOnce();
    expect(startDispatch({ db: test.db, clock: time.clock, appeal: made.appeal, actor: { organiserId: owner.organiser.id, name: 'Organisator:in Test' } }).ok).toBe(true);
    await worker.runOnce();
    await worker.runOnce();
    const ludger = made.addressees[0]!;
    const browser = test.http();
    await loginAs(browser, { email: owner.organiser.email, password: owner.password });
    const base = `/appeals/${made.appeal.slug}/privacy`;
    const search = await browser.get(`${base}?q=landrat@kreis`).expect(200);
    expect(pageText(search.text)).toContain('Ludger Landrat');
    expect(pageText(search.text)).not.toContain('Berta');

    const json = await browser.get(`${base}/addressees/${ludger.id}/export.json`).expect(200);
    const entry = (JSON.parse(json.text) as PersonExport).addressees[0]!;
    expect(entry.entry).toMatchObject({ firstName: 'Ludger', lastName: 'Landrat', email: 'landrat@kreis-kleve.example' });
    expect(entry.letters.length).toBeGreaterThanOrEqual(1);
    expect(entry.letters[0]!.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(entry.deliveries).toHaveLength(1);
    expect(entry.deliveries[0]!.state).toBe('sent');
    expect(entry.mails).toHaveLength(1);
    expect(json.text).not.toContain('rathaus@goch.example');
    expect(emlTo(test.config.mail.dir, 'landrat@kreis-kleve.example').length).toBe(1);

    const path = `${base}/addressees/${ludger.id}`;
    expect((await submitForm(browser, path, `${path}/delete`, { confirm: 'on' })).status).toBe(303);
    expect(test.db.select().from(addressees).where(eq(addressees.id, ludger.id)).get()).toBeUndefined();
    const delivery = test.db.select().from(deliveries).where(eq(deliveries.addresseeId, ludger.id)).get()!;
    expect(delivery).toMatchObject({ label: 'gelöschte Person', email: '', addressLines: '' });
    expect(delivery.documentCode).not.toBeNull();
    expect(emlTo(test.config.mail.dir, 'landrat@kreis-kleve.example')).toEqual([]);
    expect(emlTo(test.config.mail.dir, 'rathaus@goch.example').length).toBe(1);
    const trail = readAuditTrail({ db: test.db, appealId: made.appeal.id });
    expect(trail.intact).toBe(true);
    expect(JSON.stringify(trail.events)).not.toContain('landrat@kreis-kleve.example');
    expect(test.db.select().from(addresseeLists).all().length).toBeGreaterThan(0);
  });
});

describe('an organiser asks for their own data', () => {
  it('shows and downloads their account, and deletes it with their password', async () => {
    const test = await buildTestApp();
    const owner = await makeOrganiser(test.db, { name: 'Olga Owner' });
    const helper = await makeOrganiser(test.db, { name: 'Hanna Helfer', email: 'hanna@buendnis.example' });
    const appeal = makeAppeal(test.db, owner.organiser.id);
    addMember({ db: test.db, clock: () => fixedNow, appeal, input: { email: helper.organiser.email, role: 'editor' }, addedBy: 'Organisator:in Olga Owner' });
    const browser = test.http();
    await loginAs(browser, { email: helper.organiser.email, password: helper.password });
    const page = await browser.get('/account/privacy').expect(200);
    expect(pageText(page.text)).toContain('hanna@buendnis.example');
    expect(pageText(page.text)).toContain(appeal.title);
    const exported = JSON.parse((await browser.get('/account/privacy/export.json').expect(200)).text) as PersonExport;
    expect(exported.organiser?.account).toMatchObject({ email: 'hanna@buendnis.example', name: 'Hanna Helfer' });
    expect(exported.organiser?.memberships).toEqual([expect.objectContaining({ appeal: appeal.title, role: 'editor' })]);
    expect(exported.organiser?.sessions.length).toBe(1);
    expect(JSON.stringify(exported)).not.toMatch(/passwordHash|tokenHash|argon/);

    const wrong = await submitForm(browser, '/account/privacy', '/account/delete', { password: 'falsch', confirm: 'on' });
    expect(wrong.status).toBe(422);
    expect(pageText(wrong.text)).toContain('Das bisherige Passwort stimmt nicht.');
    const deleted = await submitForm(browser, '/account/privacy', '/account/delete', { password: helper.password, confirm: 'on' });
    expect(deleted.status).toBe(303);
    expect(test.db.select().from(organisers).where(eq(organisers.email, 'hanna@buendnis.example')).get()).toBeUndefined();
    expect(test.db.select().from(sessions).where(eq(sessions.organiserId, helper.organiser.id)).all()).toEqual([]);
    await browser.get('/account/privacy').expect(303);

    // The only owner of an appeal is told what to do first.
    const ownerBrowser = test.http();
    await loginAs(ownerBrowser, { email: owner.organiser.email, password: owner.password });
    const blocked = await ownerBrowser.get('/account/privacy').expect(200);
    expect(pageText(blocked.text)).toContain('einzige Eigentümer:in');
  });
});
