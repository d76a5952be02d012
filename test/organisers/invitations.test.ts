// Inviting a person without an account to an appeal's team, through the real SMTP server:
// the link is taken from the received mail, as the person would.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { memberships } from '../../server/appeals/appeals.table.ts';
import { teamInvitations } from '../../server/appeals/team-invitations.table.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { fieldError, fieldValue, pageText, parseHtml } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

async function ownerWithAppeal() {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url() } });
  const owner = await makeOrganiser(test.db, { name: 'Andrea Koordination', email: 'andrea@example.org' });
  const appeal = makeAppeal(test.db, owner.organiser.id, { title: 'Gemeinsamer Aufruf für Integration', coalitionName: 'Bündnis Kleve' });
  const agent = test.http();
  await loginAs(agent, { email: owner.organiser.email, password: owner.password });
  const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
  const membersUrl = `/appeals/${appeal.slug}/members`;
  const invite = (email: string, role = 'editor') => submitForm(agent, membersUrl, membersUrl, { email, role });
  /** Sends the queued mail and returns the invitation link (path) of the newest message. */
  const deliver = async () => {
    await worker.runOnce();
    const mail = sink.received.at(-1)!.parsed;
    return { mail, link: /http:\/\/mitzeichnen\.test(\/invite\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')![1]! };
  };
  return { ...test, sink, time, owner, appeal, agent, membersUrl, invite, deliver };
}

describe('inviting a person without an account', () => {
  it('mails a link; the person chooses name and password and lands on the appeal with the role', async () => {
    const world = await ownerWithAppeal();
    const sent = await world.invite('Neu@Example.org', 'editor');
    expect(sent.status).toBe(303);
    const members = await world.agent.get(world.membersUrl).expect(200);
    expect(pageText(members.text)).toContain('Wir haben eine Einladung per E-Mail geschickt');
    expect(parseHtml(members.text)('#pending-invitations').length).toBe(1);
    expect(pageText(members.text)).toContain('neu@example.org');

    const { mail, link } = await world.deliver();
    expect(world.sink.received[0]!.envelope.to).toEqual(['neu@example.org']);
    expect(mail.subject).toBe('Einladung ins Team von „Gemeinsamer Aufruf für Integration“');
    expect(mail.text).toContain('Andrea Koordination lädt Sie ein');
    expect(mail.text).toContain('Bearbeiter:in');
    // Only the hash is stored.
    const row = world.db.select().from(teamInvitations).get()!;
    expect(row.tokenHash).not.toContain(link.split('/').at(-1));

    const person = world.http();
    const page = await person.get(link).expect(200);
    expect(pageText(page.text)).toContain('Andrea Koordination hat Sie zum Team von „Gemeinsamer Aufruf für Integration“');
    // A weak password: a German message at the field, the name kept.
    const weak = await submitForm(person, link, link, { name: 'Nora Neu', password: 'kurz', passwordRepeat: 'kurz' });
    expect(weak.status).toBe(422);
    expect(fieldError(weak.text, 'password')).toMatch(/mindestens 12/);
    expect(fieldValue(weak.text, 'name')).toBe('Nora Neu');

    const accepted = await submitForm(person, link, link, { name: 'Nora Neu', password: 'ein sehr langes Passwort', passwordRepeat: 'ein sehr langes Passwort' });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe(`/appeals/${world.appeal.slug}`);
    const overview = await person.get(`/appeals/${world.appeal.slug}`).expect(200);
    expect(pageText(overview.text)).toContain('Willkommen!');
    const membership = world.db.select().from(memberships).where(eq(memberships.appealId, world.appeal.id)).all().find((entry) => entry.organiserId !== world.owner.organiser.id);
    expect(membership?.role).toBe('editor');
    // An editor, not an owner: the team cannot be changed.
    expect((await submitForm(person, world.membersUrl, world.membersUrl, { email: 'x@example.org', role: 'owner' })).status).toBe(403);

    // Used once: the link now explains itself; the pending list is empty.
    const again = await world.http().get(link);
    expect(again.status).toBe(410);
    expect(pageText(again.text)).toContain('schon angenommen');
    const after = await world.agent.get(world.membersUrl).expect(200);
    expect(parseHtml(after.text)('#pending-invitations').length).toBe(0);
    expect(pageText(after.text)).toContain('Nora Neu');
  });

  it('a second invitation to the same address replaces the first; a withdrawn one stops working', async () => {
    const world = await ownerWithAppeal();
    await world.invite('neu@example.org', 'viewer');
    const first = await world.deliver();
    await world.invite('neu@example.org', 'owner');
    const second = await world.deliver();
    expect(first.link).not.toBe(second.link);
    const replaced = await world.http().get(first.link);
    expect(replaced.status).toBe(410);
    expect(pageText(replaced.text)).toContain('zurückgezogen oder durch eine neuere ersetzt');
    const members = await world.agent.get(world.membersUrl).expect(200);
    const rows = parseHtml(members.text)('#pending-invitations ~ .table-wrap tbody tr, #pending-invitations + .table-wrap tbody tr');
    expect(rows.length).toBe(1);
    expect(rows.text()).toContain('Eigentümer:in');

    const id = world.db.select().from(teamInvitations).all().find((row) => row.revokedAt === null)!.id;
    const withdrawn = await submitForm(world.agent, world.membersUrl, `/appeals/${world.appeal.slug}/invitations/${id}/delete`, {});
    expect(withdrawn.status).toBe(303);
    expect((await world.http().get(second.link)).status).toBe(410);
    // Withdrawing again (or another appeal's invitation) finds nothing.
    expect((await submitForm(world.agent, world.membersUrl, `/appeals/${world.appeal.slug}/invitations/${id}/delete`, {})).status).toBe(404);
  });

  it('an invitation expires after seven days; an unknown link gets its own page', async () => {
    const world = await ownerWithAppeal();
    await world.invite('spaet@example.org');
    const { link } = await world.deliver();
    world.time.advance(7 * 24 * 60 * 60 * 1000 + 1000);
    const expired = await world.http().get(link);
    expect(expired.status).toBe(410);
    expect(pageText(expired.text)).toContain('abgelaufen');
    const posted = await submitForm(world.http(), '/login', link, { name: 'Zu Spät', password: 'ein sehr langes Passwort', passwordRepeat: 'ein sehr langes Passwort' });
    expect(posted.status).toBe(410);
    const unknown = await world.http().get(`/invite/${'x'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(pageText(unknown.text)).toContain('Diese Einladung kennen wir nicht');
  });

  it('a person who already has an account is added at once and gets the "added" mail', async () => {
    const world = await ownerWithAppeal();
    await makeOrganiser(world.db, { name: 'Bernd Beispiel', email: 'bernd@example.org' });
    await world.invite('bernd@example.org', 'viewer');
    expect(world.db.select().from(teamInvitations).all()).toHaveLength(0);
    const members = await world.agent.get(world.membersUrl).expect(200);
    expect(pageText(members.text)).toContain('Bernd Beispiel wurde hinzugefügt');
  });
});
