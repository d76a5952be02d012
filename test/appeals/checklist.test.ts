// The overview's checklist (issue 16 item 10): each step's state and the next one to take.
import { describe, expect, it } from 'vitest';
import { presentChecklist } from '../../server/appeals/appeal-overview.ts';
import { buildTestApp } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser } from '../helpers/factories.ts';
import { parseHtml } from '../helpers/html.ts';

const states = (checklist: ReturnType<typeof presentChecklist>) => checklist.steps.map((step) => `${step.label}: ${step.stateLabel}`);

describe('the way to sending on the overview', () => {
  it('marks what is done and names the first open step as the next one', () => {
    const empty = presentChecklist({ slug: 'a', body: '', state: 'draft' }, { signatories: 0, addresseeLists: 0 });
    expect(states(empty)).toEqual(['Text schreiben: als Nächstes', 'Erstunterzeichnende eintragen: offen', 'Adressaten wählen: offen', 'Zur Unterzeichnung öffnen: offen', 'Abschließen: offen', 'Versenden: offen', 'Antworten verfolgen: offen']);
    expect(empty.next).toEqual({ label: 'Nächster Schritt: den Text schreiben', href: '/appeals/a/edit' });
    const signing = presentChecklist({ slug: 'a', body: 'Text', state: 'signing' }, { signatories: 3, addresseeLists: 2 });
    expect(signing.next).toEqual({ label: 'Nächster Schritt: abschließen, wenn alle geantwortet haben', href: '/appeals/a/signing' });
    const sent = presentChecklist({ slug: 'a', body: 'Text', state: 'sent' }, { signatories: 3, addresseeLists: 2 });
    expect(sent.steps.filter((step) => step.state !== 'done').map((step) => step.label)).toEqual(['Antworten verfolgen']);
    expect(sent.next).toEqual({ label: 'Nächster Schritt: die Antworten verfolgen', href: '/appeals/a/dispatch' });
  });

  it('shows on the overview page, the next step marked for screen readers', async () => {
    const app = await buildTestApp();
    const { organiser, password } = await makeOrganiser(app.db);
    const appeal = makeAppeal(app.db, organiser.id, { body: 'Sehr wichtiger Text.' });
    const agent = app.http();
    await loginAs(agent, { email: organiser.email, password });
    const $ = parseHtml((await agent.get(`/appeals/${appeal.slug}`).expect(200)).text);
    expect($('.checklist [aria-current="step"] a').text()).toBe('Erstunterzeichnende eintragen');
    expect($('.checklist__next a').attr('href')).toBe(`/appeals/${appeal.slug}/signatories`);
  });
});
