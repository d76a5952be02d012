// Leaving: an organiser deletes their own account (Konto → „Ihre Daten“), except as the last
// owner of an appeal; the message names those appeals. Invitations, reset links and a second
// factor do not stand in the way.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember } from '../../server/appeals/appeals.service.ts';
import { teamInvitations } from '../../server/appeals/team-invitations.table.ts';
import { inviteToTeam } from '../../server/appeals/team-invitations.service.ts';
import { requestPasswordReset } from '../../server/organisers/account-links.service.ts';
import { organisers, recoveryCodes } from '../../server/organisers/organisers.table.ts';
import { organisersRepository } from '../../server/organisers/organisers.repository.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { pageText } from '../helpers/html.ts';

const clock = () => new Date(fixedNow);

describe('deleting one\'s own account', () => {
  it('is refused for the last owner, naming the appeals, and works once someone else owns them', async () => {
    const test = await buildTestApp();
    const owner = await makeOrganiser(test.db, { name: 'Olga Owner', email: 'olga@example.org' });
    const colleague = await makeOrganiser(test.db, { name: 'Carla Colleague', email: 'carla@example.org' });
    const first = makeAppeal(test.db, owner.organiser.id, { title: 'Aufruf Kita-Plätze' });
    const second = makeAppeal(test.db, owner.organiser.id, { title: 'Resolution Busverkehr' });
    addMember({ db: test.db, clock, appeal: second, input: { email: colleague.organiser.email, role: 'owner' }, addedBy: 'Olga' });
    inviteToTeam({ db: test.db, clock, secret: test.config.sessionSecret, appeal: first, email: 'neu@example.org', role: 'editor', invitedBy: owner.organiser });
    requestPasswordReset({ db: test.db, clock, secret: test.config.sessionSecret, email: owner.organiser.email });
    organisersRepository(test.db).replaceRecoveryCodes(owner.organiser.id, ['a'.repeat(64)]);

    const browser = test.http();
    await loginAs(browser, { email: owner.organiser.email, password: owner.password });
    const refused = await submitForm(browser, '/account/privacy', '/account/delete', { password: owner.password, confirm: 'on' });
    expect(refused.status).toBe(422);
    expect(pageText(refused.text)).toContain('einzige Eigentümer:in des Aufrufs „Aufruf Kita-Plätze“');
    expect(pageText(refused.text)).not.toContain('„Resolution Busverkehr“');

    addMember({ db: test.db, clock, appeal: first, input: { email: colleague.organiser.email, role: 'owner' }, addedBy: 'Olga' });
    const deleted = await submitForm(browser, '/account/privacy', '/account/delete', { password: owner.password, confirm: 'on' });
    expect(deleted.status).toBe(303);
    expect(test.db.select().from(organisers).where(eq(organisers.id, owner.organiser.id)).get()).toBeUndefined();
    expect(test.db.select().from(recoveryCodes).all()).toEqual([]);
    // The open invitation stays valid and no longer names the deleted inviter.
    expect(test.db.select().from(teamInvitations).get()).toMatchObject({ invitedBy: null, revokedAt: null });
    const colleagueBrowser = test.http();
    await loginAs(colleagueBrowser, { email: colleague.organiser.email, password: colleague.password });
    const team = await colleagueBrowser.get(`/appeals/${first.slug}/members`).expect(200);
    expect(pageText(team.text)).toContain('neu@example.org');
    expect(pageText(team.text)).not.toContain('Olga Owner');
  });
});
