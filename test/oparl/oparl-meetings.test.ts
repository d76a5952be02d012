import { describe, expect, it } from 'vitest';
import { genitiveOf, meetingSubtitle, withMeetingLine } from '../../server/oparl/meeting-subtitle.ts';
import { buildTestApp } from '../helpers/app.ts';
import { csrfToken, fieldError, parseHtml } from '../helpers/html.ts';
import { loginAs, makeAppeal, makeOrganiser } from '../helpers/factories.ts';
import { startOparlServer } from './oparl-server.ts';

describe('meeting dates of an Antrag from OParl', () => {
  it('lists the upcoming meetings, makes the line „Antrag zur Sitzung …“ and hands it to the appeal form unsaved', async () => {
    const { db, http } = await buildTestApp({ env: { OPARL_ALLOW_PRIVATE: 'true' } });
    const { organiser, password } = await makeOrganiser(db);
    const appeal = makeAppeal(db, organiser.id, { kind: 'antrag', subtitle: 'Antrag zur Sitzung des Kreistages am 1.1.2026\nGemeinsamer Antrag der Fraktionen' });
    const agent = http();
    await loginAs(agent, { email: organiser.email, password });
    const oparl = await startOparlServer();

    const edit = await agent.get(`/appeals/${appeal.slug}/edit`).expect(200);
    expect(parseHtml(edit.text)(`a[href="/appeals/${appeal.slug}/oparl-meetings"]`).text()).toBe('Sitzungstermine aus dem Ratsinformationssystem');

    const list = await agent.get(`/appeals/${appeal.slug}/oparl-meetings`).query({ system: oparl.system }).expect(200);
    const $ = parseHtml(list.text);
    const labels = $('input[name="meeting"]').map((_, input) => $(`label[for="${$(input).attr('id')}"]`).text()).get();
    // From today (22.11.2026) on, earliest first; the past and the cancelled meeting are left out.
    expect(labels).toEqual(['25.2.2027 – Kreisausschuss (Sitzung des Kreisausschusses)', '17.3.2027 – Kreistag (5. Sitzung des Kreistages)']);

    const none = await agent.get(`/appeals/${appeal.slug}/oparl-meetings`).query({ system: oparl.system, body: oparl.body, pick: '1' }).expect(422);
    expect(fieldError(none.text, 'meeting')).toBe('Bitte mindestens eine Sitzung wählen.');

    const values = $('input[name="meeting"]').map((_, input) => $(input).attr('value')).get();
    const query: [string, string][] = [['system', oparl.system], ['body', oparl.body], ['pick', '1'], ...values.map((value): [string, string] => ['meeting', value])];
    const picked = await agent.get(`/appeals/${appeal.slug}/oparl-meetings?${new URLSearchParams(query)}`).expect(200);
    const line = 'Antrag zur Sitzung des Kreisausschusses am 25.2.2027 und des Kreistages am 17.3.2027';
    expect(parseHtml(picked.text)('[data-testid="meeting-line"]').text()).toBe(line);

    // The form goes back to the appeal's page as its preview: nothing is saved until „Speichern“.
    const form = parseHtml(picked.text)('form[action="/appeals/' + appeal.slug + '"]');
    const fields: Record<string, string> = {};
    form.find('input').each((_, input) => {
      fields[input.attribs.name ?? ''] = input.attribs.value ?? '';
    });
    const back = await agent.post(`/appeals/${appeal.slug}`).type('form').send({ ...fields, _csrf: csrfToken(picked.text), action: 'preview' }).expect(200);
    expect(parseHtml(back.text)('#f-subtitle').text()).toBe(`${line}\nGemeinsamer Antrag der Fraktionen`);
    expect(parseHtml(back.text)('#f-title').attr('value')).toBe(appeal.title);
    const stored = await agent.get(`/appeals/${appeal.slug}/edit`).expect(200);
    expect(parseHtml(stored.text)('#f-subtitle').text()).toContain('am 1.1.2026');
  });

  it('names organisations in the genitive, and quotes a name no rule fits', () => {
    expect(genitiveOf('Kreistag')).toBe('des Kreistages');
    expect(genitiveOf('Kreisausschuss')).toBe('des Kreisausschusses');
    expect(genitiveOf('Ausschuss für Schule und Sport')).toBe('des Ausschusses für Schule und Sport');
    expect(genitiveOf('Integrationsrat')).toBe('des Integrationsrates');
    expect(genitiveOf('Bezirksvertretung Mitte')).toBe('der Bezirksvertretung Mitte');
    expect(genitiveOf('Arbeitskreis Inklusion')).toBe('des Arbeitskreises Inklusion');
    expect(genitiveOf('Jugendhilfeausschuss')).toBe('des Jugendhilfeausschusses');
    expect(genitiveOf('AG Mobilität')).toBeUndefined();
    expect(meetingSubtitle([{ organizationName: 'Kreistag', day: '2027-03-17' }, { organizationName: 'AG Mobilität', day: '2027-02-01' }])).toBe('Antrag zur Sitzung „AG Mobilität“ am 1.2.2027 und des Kreistages am 17.3.2027');
    expect(meetingSubtitle([{ organizationName: 'Kreistag', day: '2027-03-17' }, { organizationName: 'AG Mobilität', day: '2027-04-01' }])).toBe('Antrag zur Sitzung des Kreistages am 17.3.2027 und der Sitzung „AG Mobilität“ am 1.4.2027');
    expect(withMeetingLine('Antrag zur Sitzung des Kreistages am 1.1.2026\nZweite Zeile', 'Antrag zur Sitzung X')).toBe('Antrag zur Sitzung X\nZweite Zeile');
  });

  it('another coalition gets 404, and a system that is not OParl gets a German message', async () => {
    const { db, http } = await buildTestApp({ env: { OPARL_ALLOW_PRIVATE: 'true' } });
    const owner = await makeOrganiser(db);
    const appeal = makeAppeal(db, owner.organiser.id, { kind: 'antrag' });
    const other = await makeOrganiser(db, { email: 'andere@example.org' });
    const oparl = await startOparlServer();
    const stranger = http();
    await loginAs(stranger, { email: other.organiser.email, password: other.password });
    await stranger.get(`/appeals/${appeal.slug}/oparl-meetings`).query({ system: oparl.system }).expect(404);
    expect(oparl.requests).toHaveLength(0);
    const agent = http();
    await loginAs(agent, { email: owner.organiser.email, password: owner.password });
    const wrong = await agent.get(`/appeals/${appeal.slug}/oparl-meetings`).query({ system: `${oparl.base}/oparl/v1/body/1/persons` }).expect(422);
    expect(fieldError(wrong.text, 'system')).toContain('Unter dieser Adresse antwortet kein OParl-System');
  });
});
