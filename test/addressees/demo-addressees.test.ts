import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { demoOrganiser } from '../../server/demo/demo-content.ts';
import { findOrganiserByEmail } from '../../server/organisers/organisers.service.ts';
import { listAccessibleLists, listEntries } from '../../server/addressees/addressees.service.ts';
import { addressBlock, collectiveAddressBlock, collectiveSalutation, letterSalutation, overlongAddressLines } from '../../server/addressees/forms-of-address.ts';
import { buildTestApp } from '../helpers/app.ts';

async function seeded() {
  const app = await buildTestApp();
  await seedDemo({ config: app.config, db: app.db, clock: () => new Date('2026-11-22T10:00:00Z'), fileStore: app.fileStore, demoPassword: 'demo-passwort-123' });
  const organiser = findOrganiserByEmail({ db: app.db, email: demoOrganiser.email })!;
  const lists = listAccessibleLists({ db: app.db, organiserId: organiser.id }).map(({ list }) => list);
  const entries = (name: string) => listEntries({ db: app.db, list: lists.find((list) => list.name === name)! });
  return { lists, entries };
}

const letter = (entry: Parameters<typeof addressBlock>[0]) => ({ lines: addressBlock(entry), salutation: letterSalutation(entry) });

describe('Kreis Kleve demo lists read correctly', () => {
  it('Landrat, a named mayor, a mayor\'s office, the Kreistag and the Landtag committee chair', async () => {
    const { entries } = await seeded();
    expect(letter(entries('Landrat des Kreises Kleve')[0]!)).toEqual({
      lines: ['Kreis Kleve', 'Herrn Landrat', 'Christoph Gerwers', 'Nassauerallee 15–23', '47533 Kleve'],
      salutation: 'Sehr geehrter Herr Landrat,',
    });
    const mayors = entries('Bürgermeister:innen im Kreis Kleve');
    expect(mayors).toHaveLength(16);
    expect(letter(mayors.find((entry) => entry.lastName === 'Lindlahr')!)).toEqual({
      lines: ['Stadt Emmerich am Rhein', 'Frau Bürgermeisterin', 'Claudia Lindlahr', 'Geistmarkt 1', '46446 Emmerich am Rhein'],
      salutation: 'Sehr geehrte Frau Bürgermeisterin,',
    });
    expect(letter(mayors.find((entry) => entry.lastName === 'Pichler')!).lines).toContain('Dr. Dominik Pichler');
    expect(letter(mayors.find((entry) => entry.institution === 'Stadt Goch')!)).toEqual({
      lines: ['Stadt Goch', 'Der Bürgermeister', 'Markt 2', '47574 Goch'],
      salutation: 'Sehr geehrte Damen und Herren,',
    });
    const kreistag = entries('Kreistag Kleve');
    expect(letter(kreistag.find((entry) => entry.lastName === 'Brandt')!).salutation).toBe('Sehr geehrte Frau Vorsitzende,');
    expect(letter(kreistag.find((entry) => entry.lastName === 'Wróbel')!).lines).toContain('Herrn Tomasz Wróbel');
    expect(letter(kreistag.find((entry) => entry.lastName === 'Kaya')!).salutation).toBe('Guten Tag Kim Kaya,');
    expect(letter(entries('Landtag NRW – Integrationsausschuss')[0]!)).toEqual({
      lines: ['Landtag Nordrhein-Westfalen', 'Vorsitzende des Integrationsausschusses', 'Frau Dr. Małgorzata Nowak MdL', 'Platz des Landtags 1', '40221 Düsseldorf'],
      salutation: 'Sehr geehrte Frau Vorsitzende,',
    });
  });

  it('every demo address has at most six lines; the one line wider than the 80 mm the letter has is flagged', async () => {
    const { lists, entries } = await seeded();
    const tooWide: string[] = [];
    for (const list of lists) {
      for (const entry of entries(list.name)) {
        const lines = addressBlock(entry);
        expect(lines.length).toBeLessThanOrEqual(6);
        tooWide.push(...overlongAddressLines(lines));
      }
    }
    // 83.7 mm: the letter sets this address at 9.5 pt instead of 10 pt.
    expect(tooWide).toEqual(['Vorsitzende der Kreistagsfraktion Bündnis 90/Die Grünen']);
  });

  it('the collective letter of the Kleve appeal greets the groups highest office first', async () => {
    const { lists } = await seeded();
    const kreistag = lists.find((list) => list.name === 'Kreistag Kleve')!;
    expect(collectiveAddressBlock(kreistag)).toEqual(['Kreis Kleve', 'Mitglieder des Kreistages', 'Nassauerallee 15–23', '47533 Kleve']);
    expect(collectiveSalutation([...lists].reverse())).toBe(
      'Sehr geehrter Herr Landrat, sehr geehrte Mitglieder des Kreistages, sehr geehrte Bürgermeisterinnen und Bürgermeister, sehr geehrte Frau Vorsitzende,',
    );
  });
});
