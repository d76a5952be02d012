import { describe, expect, it } from 'vitest';
import {
  addressBlock,
  collectiveAddressBlock,
  collectiveSalutation,
  letterSalutation,
  lineWidthMm,
  overlongAddressLines,
} from '../../server/addressees/forms-of-address.ts';
import type { AddressSource, GroupSource } from '../../server/addressees/forms-of-address.ts';
import { layoutAddress } from '../../server/letter-pdf/address-field.ts';

const person = (values: Partial<AddressSource>): AddressSource => ({
  salutation: '',
  title: '',
  firstName: '',
  lastName: '',
  function: '',
  institution: '',
  department: '',
  street: '',
  postcode: '',
  city: '',
  letterSalutation: '',
  ...values,
});

const kreishaus = { street: 'Nassauerallee 15–23', postcode: '47533', city: 'Kleve' };

type Case = { name: string; input: AddressSource; lines: string[]; salutation: string };

const cases: Case[] = [
  {
    name: 'a one-word adjectival function is accusative after "Herrn" (issue 16: not "Herrn Fraktionsvorsitzender")',
    input: person({ salutation: 'Herr', firstName: 'Peter', lastName: 'Hendricks', function: 'Fraktionsvorsitzender', institution: 'Kreistag Kleve', ...kreishaus }),
    lines: ['Kreistag Kleve', 'Herrn Fraktionsvorsitzenden', 'Peter Hendricks', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrter Herr Hendricks,',
  },
  {
    name: 'the same function typed in the female form, for a man',
    input: person({ salutation: 'Herr', firstName: 'Peter', lastName: 'Hendricks', function: 'Fraktionsvorsitzende', institution: 'Kreistag Kleve', ...kreishaus }),
    lines: ['Kreistag Kleve', 'Herrn Fraktionsvorsitzenden', 'Peter Hendricks', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrter Herr Hendricks,',
  },
  {
    name: 'the female form derived for Frau',
    input: person({ salutation: 'Frau', firstName: 'Ute', lastName: 'Brandt', function: 'Fraktionsvorsitzender', institution: 'Kreistag Kleve', ...kreishaus }),
    lines: ['Kreistag Kleve', 'Frau Fraktionsvorsitzende', 'Ute Brandt', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrte Frau Brandt,',
  },
  {
    name: 'Vorsitzender and Beigeordneter: accusative in the address, nominative in the salutation',
    input: person({ salutation: 'Herr', firstName: 'Jan', lastName: 'Dvořák', function: 'Beigeordneter', institution: 'Stadt Kleve', street: 'Minoritenplatz 1', postcode: '47533', city: 'Kleve' }),
    lines: ['Stadt Kleve', 'Herrn Beigeordneten', 'Jan Dvořák', 'Minoritenplatz 1', '47533 Kleve'],
    salutation: 'Sehr geehrter Herr Beigeordneter,',
  },
  {
    name: 'no Herr/Frau and no first name: a neutral greeting without the bare surname (not "Guten Tag Meier,")',
    input: person({ lastName: 'Meier', institution: 'Stadt Kleve', street: 'Minoritenplatz 1', postcode: '47533', city: 'Kleve' }),
    lines: ['Stadt Kleve', 'Meier', 'Minoritenplatz 1', '47533 Kleve'],
    salutation: 'Guten Tag,',
  },
  {
    name: 'Landrat',
    input: person({ salutation: 'Herr', firstName: 'Christoph', lastName: 'Gerwers', function: 'Landrat', institution: 'Kreis Kleve', ...kreishaus }),
    lines: ['Kreis Kleve', 'Herrn Landrat', 'Christoph Gerwers', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrter Herr Landrat,',
  },
  {
    name: 'Landrätin (female form written by the user)',
    input: person({ salutation: 'Frau', firstName: 'Anna', lastName: 'Beispiel', function: 'Landrätin', institution: 'Kreis Kleve', ...kreishaus }),
    lines: ['Kreis Kleve', 'Frau Landrätin', 'Anna Beispiel', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrte Frau Landrätin,',
  },
  {
    name: 'female form derived from "Landrat" for Frau',
    input: person({ salutation: 'Frau', firstName: 'Anna', lastName: 'Beispiel', function: 'Landrat', institution: 'Kreis Kleve', ...kreishaus }),
    lines: ['Kreis Kleve', 'Frau Landrätin', 'Anna Beispiel', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrte Frau Landrätin,',
  },
  {
    name: 'Landrat with Dr.: the office replaces name and title in the salutation',
    input: person({ salutation: 'Herr', title: 'Dr.', firstName: 'Max', lastName: 'Muster', function: 'Landrat', institution: 'Kreis Kleve', ...kreishaus }),
    lines: ['Kreis Kleve', 'Herrn Landrat', 'Dr. Max Muster', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrter Herr Landrat,',
  },
  {
    name: 'Bürgermeister',
    input: person({ salutation: 'Herr', firstName: 'Sven', lastName: 'Kaiser', function: 'Bürgermeister', institution: 'Stadt Geldern', street: 'Issumer Tor 36', postcode: '47608', city: 'Geldern' }),
    lines: ['Stadt Geldern', 'Herrn Bürgermeister', 'Sven Kaiser', 'Issumer Tor 36', '47608 Geldern'],
    salutation: 'Sehr geehrter Herr Bürgermeister,',
  },
  {
    name: 'Bürgermeisterin',
    input: person({ salutation: 'Frau', firstName: 'Claudia', lastName: 'Lindlahr', function: 'Bürgermeisterin', institution: 'Stadt Emmerich am Rhein', street: 'Geistmarkt 1', postcode: '46446', city: 'Emmerich am Rhein' }),
    lines: ['Stadt Emmerich am Rhein', 'Frau Bürgermeisterin', 'Claudia Lindlahr', 'Geistmarkt 1', '46446 Emmerich am Rhein'],
    salutation: 'Sehr geehrte Frau Bürgermeisterin,',
  },
  {
    name: 'female form derived from "Bürgermeister" for Frau',
    input: person({ salutation: 'Frau', firstName: 'Britta', lastName: 'Schulz', function: 'Bürgermeister', institution: 'Stadt Kalkar', street: 'Markt 20', postcode: '47546', city: 'Kalkar' }),
    lines: ['Stadt Kalkar', 'Frau Bürgermeisterin', 'Britta Schulz', 'Markt 20', '47546 Kalkar'],
    salutation: 'Sehr geehrte Frau Bürgermeisterin,',
  },
  {
    name: 'Bürgermeister with Dr.',
    input: person({ salutation: 'Herr', title: 'Dr.', firstName: 'Dominik', lastName: 'Pichler', function: 'Bürgermeister', institution: 'Wallfahrtsstadt Kevelaer', street: 'Peter-Plümpe-Platz 12', postcode: '47623', city: 'Kevelaer' }),
    lines: ['Wallfahrtsstadt Kevelaer', 'Herrn Bürgermeister', 'Dr. Dominik Pichler', 'Peter-Plümpe-Platz 12', '47623 Kevelaer'],
    salutation: 'Sehr geehrter Herr Bürgermeister,',
  },
  {
    name: 'Oberbürgermeisterin',
    input: person({ salutation: 'Frau', firstName: 'Eva', lastName: 'Schmitz', function: 'Oberbürgermeisterin', institution: 'Stadt Düsseldorf', street: 'Marktplatz 2', postcode: '40213', city: 'Düsseldorf' }),
    lines: ['Stadt Düsseldorf', 'Frau Oberbürgermeisterin', 'Eva Schmitz', 'Marktplatz 2', '40213 Düsseldorf'],
    salutation: 'Sehr geehrte Frau Oberbürgermeisterin,',
  },
  {
    name: 'chair of a Landtag committee with Dr. and MdL, Polish letters',
    input: person({ salutation: 'Frau', title: 'Dr. MdL', firstName: 'Małgorzata', lastName: 'Nowak', function: 'Vorsitzende des Integrationsausschusses', institution: 'Landtag Nordrhein-Westfalen', street: 'Platz des Landtags 1', postcode: '40221', city: 'Düsseldorf' }),
    lines: ['Landtag Nordrhein-Westfalen', 'Vorsitzende des Integrationsausschusses', 'Frau Dr. Małgorzata Nowak MdL', 'Platz des Landtags 1', '40221 Düsseldorf'],
    salutation: 'Sehr geehrte Frau Vorsitzende,',
  },
  {
    name: 'male committee chair with MdL',
    input: person({ salutation: 'Herr', title: 'MdL', firstName: 'Jan', lastName: 'Dvořák', function: 'Vorsitzender des Ausschusses für Arbeit, Gesundheit und Soziales', institution: 'Landtag Nordrhein-Westfalen', street: 'Platz des Landtags 1', postcode: '40221', city: 'Düsseldorf' }),
    lines: ['Landtag Nordrhein-Westfalen', 'Vorsitzender des Ausschusses für Arbeit, Gesundheit und Soziales', 'Herrn Jan Dvořák MdL', 'Platz des Landtags 1', '40221 Düsseldorf'],
    salutation: 'Sehr geehrter Herr Vorsitzender,',
  },
  {
    name: 'Kreistag member without institution: name first, then the membership',
    input: person({ salutation: 'Frau', title: 'Dr.', firstName: 'Ute', lastName: 'Brandt', function: 'Mitglied des Kreistags Kleve', street: 'Hauptstraße 5', postcode: '47574', city: 'Goch' }),
    lines: ['Frau Dr. Ute Brandt', 'Mitglied des Kreistags Kleve', 'Hauptstraße 5', '47574 Goch'],
    salutation: 'Sehr geehrte Frau Dr. Brandt,',
  },
  {
    name: 'Dr. without function',
    input: person({ salutation: 'Frau', title: 'Dr.', firstName: 'Małgorzata', lastName: 'Nowak', street: 'Lindenweg 3', postcode: '47533', city: 'Kleve' }),
    lines: ['Frau Dr. Małgorzata Nowak', 'Lindenweg 3', '47533 Kleve'],
    salutation: 'Sehr geehrte Frau Dr. Nowak,',
  },
  {
    name: 'Prof. Dr.: all titles in the address, "Professor" written out in the salutation',
    input: person({ salutation: 'Herr', title: 'Prof. Dr.', firstName: 'Hans', lastName: 'Meier', institution: 'Hochschule Rhein-Waal', street: 'Marie-Curie-Straße 1', postcode: '47533', city: 'Kleve' }),
    lines: ['Hochschule Rhein-Waal', 'Herrn Prof. Dr. Hans Meier', 'Marie-Curie-Straße 1', '47533 Kleve'],
    salutation: 'Sehr geehrter Herr Professor Meier,',
  },
  {
    name: 'Prof. Dr. for a woman',
    input: person({ salutation: 'Frau', title: 'Prof. Dr.', firstName: 'Ayşe', lastName: 'Yılmaz', institution: 'Universität Duisburg-Essen', street: 'Forsthausweg 2', postcode: '47057', city: 'Duisburg' }),
    lines: ['Universität Duisburg-Essen', 'Frau Prof. Dr. Ayşe Yılmaz', 'Forsthausweg 2', '47057 Duisburg'],
    salutation: 'Sehr geehrte Frau Professorin Yılmaz,',
  },
  {
    name: 'two titles (Dr. Dr.): only one "Dr." in the salutation',
    input: person({ salutation: 'Herr', title: 'Dr. Dr.', firstName: 'Paul', lastName: 'Ågren', street: 'Am Markt 1', postcode: '47623', city: 'Kevelaer' }),
    lines: ['Herrn Dr. Dr. Paul Ågren', 'Am Markt 1', '47623 Kevelaer'],
    salutation: 'Sehr geehrter Herr Dr. Ågren,',
  },
  {
    name: 'Dr. med. and Dipl.-Ing.: the highest title Dr. in the salutation',
    input: person({ salutation: 'Frau', title: 'Dipl.-Ing. Dr. med.', firstName: 'Lena', lastName: 'Hoffmann', street: 'Kirchstraße 4', postcode: '47551', city: 'Bedburg-Hau' }),
    lines: ['Frau Dipl.-Ing. Dr. med. Lena Hoffmann', 'Kirchstraße 4', '47551 Bedburg-Hau'],
    salutation: 'Sehr geehrte Frau Dr. Hoffmann,',
  },
  {
    name: 'no first name',
    input: person({ salutation: 'Herr', lastName: 'Ağaoğlu', institution: 'Integrationsrat der Stadt Kleve', street: 'Minoritenplatz 1', postcode: '47533', city: 'Kleve' }),
    lines: ['Integrationsrat der Stadt Kleve', 'Herrn Ağaoğlu', 'Minoritenplatz 1', '47533 Kleve'],
    salutation: 'Sehr geehrter Herr Ağaoğlu,',
  },
  {
    name: 'no salutation given: neutral form, no Herrn/Frau',
    input: person({ firstName: 'Alex', lastName: 'Beispiel', street: 'Weg 1', postcode: '47533', city: 'Kleve' }),
    lines: ['Alex Beispiel', 'Weg 1', '47533 Kleve'],
    salutation: 'Guten Tag Alex Beispiel,',
  },
  {
    name: 'no salutation with a long function at an institution',
    input: person({ firstName: 'Kim', lastName: 'Kaya', function: 'Vorsitz der Kreistagsfraktion DIE LINKE', institution: 'Kreistag Kleve', ...kreishaus }),
    lines: ['Kreistag Kleve', 'Vorsitz der Kreistagsfraktion DIE LINKE', 'Kim Kaya', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Guten Tag Kim Kaya,',
  },
  {
    name: 'institution only, with the office as recipient line',
    input: person({ institution: 'Stadt Kleve', function: 'Der Bürgermeister', street: 'Minoritenplatz 1', postcode: '47533', city: 'Kleve' }),
    lines: ['Stadt Kleve', 'Der Bürgermeister', 'Minoritenplatz 1', '47533 Kleve'],
    salutation: 'Sehr geehrte Damen und Herren,',
  },
  {
    name: 'institution only with department',
    input: person({ institution: 'Kreis Kleve', department: 'Fachbereich Jugend und Familie', ...kreishaus }),
    lines: ['Kreis Kleve', 'Fachbereich Jugend und Familie', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrte Damen und Herren,',
  },
  {
    name: 'explicit salutation always wins (office holder)',
    input: person({ salutation: 'Herr', firstName: 'Christoph', lastName: 'Gerwers', function: 'Landrat', institution: 'Kreis Kleve', letterSalutation: 'Sehr geehrter Herr Landrat Gerwers,', ...kreishaus }),
    lines: ['Kreis Kleve', 'Herrn Landrat', 'Christoph Gerwers', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrter Herr Landrat Gerwers,',
  },
  {
    name: 'explicit salutation wins over "Damen und Herren"',
    input: person({ institution: 'Caritasverband Kleve e.V.', letterSalutation: 'Liebe Kolleginnen und Kollegen,', street: 'Hoffmannallee 66', postcode: '47533', city: 'Kleve' }),
    lines: ['Caritasverband Kleve e.V.', 'Hoffmannallee 66', '47533 Kleve'],
    salutation: 'Liebe Kolleginnen und Kollegen,',
  },
  {
    name: 'Turkish letters in the name, Fraktion chair',
    input: person({ salutation: 'Herr', firstName: 'Çağrı', lastName: 'Öztürk', function: 'Vorsitzender der SPD-Kreistagsfraktion', institution: 'Kreistag Kleve', ...kreishaus }),
    lines: ['Kreistag Kleve', 'Vorsitzender der SPD-Kreistagsfraktion', 'Herrn Çağrı Öztürk', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrter Herr Vorsitzender,',
  },
  {
    name: 'Czech letters, plain person',
    input: person({ salutation: 'Frau', firstName: 'Kateřina', lastName: 'Dvořáková', street: 'Bahnhofstraße 12', postcode: '47608', city: 'Geldern' }),
    lines: ['Frau Kateřina Dvořáková', 'Bahnhofstraße 12', '47608 Geldern'],
    salutation: 'Sehr geehrte Frau Dvořáková,',
  },
  {
    name: 'postcode with a leading zero stays as written',
    input: person({ salutation: 'Herr', firstName: 'Jörg', lastName: 'Weiß', street: 'Schloßstraße 1', postcode: '01067', city: 'Dresden' }),
    lines: ['Herrn Jörg Weiß', 'Schloßstraße 1', '01067 Dresden'],
    salutation: 'Sehr geehrter Herr Weiß,',
  },
  {
    name: 'department and office holder: six lines',
    input: person({ salutation: 'Frau', firstName: 'Ina', lastName: 'Roth', function: 'Dezernentin', institution: 'Kreis Kleve', department: 'Dezernat IV', ...kreishaus }),
    lines: ['Kreis Kleve', 'Dezernat IV', 'Frau Dezernentin', 'Ina Roth', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrte Frau Dezernentin,',
  },
  {
    name: 'stray whitespace is tidied',
    input: person({ salutation: 'Herr', firstName: '  Tomasz ', lastName: 'Wróbel  ', institution: ' Kreistag  Kleve ', ...kreishaus }),
    lines: ['Kreistag Kleve', 'Herrn Tomasz Wróbel', 'Nassauerallee 15–23', '47533 Kleve'],
    salutation: 'Sehr geehrter Herr Wróbel,',
  },
];

describe('addressBlock and letterSalutation', () => {
  // Checked against the input, not against the expected lines above: every address names the
  // institution (or, without one, the person) above street and town, which come last.
  it.each(cases)('names the recipient and ends with street and town: $name', ({ input }) => {
    const tidy = (text: string) => text.trim().replace(/\s+/g, ' ');
    const block = addressBlock(input);
    expect(block.slice(-2)).toEqual([tidy(input.street), `${tidy(input.postcode)} ${tidy(input.city)}`]);
    const recipient = tidy(input.institution) || tidy(input.lastName);
    expect(block.slice(0, -2).some((line) => line.includes(recipient))).toBe(true);
    expect(block.join('\n')).toContain(tidy(input.lastName));
  });

  it.each(cases)('$name', ({ input, lines, salutation }) => {
    const block = addressBlock(input);
    expect(block).toEqual(lines);
    expect(block.length).toBeLessThanOrEqual(6);
    expect(letterSalutation(input)).toBe(salutation);
  });

  it('never writes "Herr" in the address, always "Herrn"', () => {
    for (const { input } of cases.filter((c) => c.input.salutation === 'Herr')) {
      const block = addressBlock(input).join('\n');
      expect(block).toMatch(/\bHerrn\b/);
      expect(block).not.toMatch(/\bHerr\b/);
    }
  });

  it('keeps to six lines even with a long structure', () => {
    const block = addressBlock(
      person({ salutation: 'Herr', firstName: 'A', lastName: 'B', function: 'Leiter der Stabsstelle für Integration', institution: 'Kreis Kleve', department: 'Stabsstelle', street: 'Weg 1', postcode: '47533', city: 'Kleve' }),
    );
    expect(block.length).toBeLessThanOrEqual(6);
  });
});

const group = (values: Partial<GroupSource>): GroupSource => ({
  rank: 50,
  groupAddressLine: '',
  groupSalutation: '',
  groupInstitution: '',
  groupRecipient: '',
  groupStreet: '',
  groupPostcode: '',
  groupCity: '',
  ...values,
});

const landrat = group({ rank: 10, groupSalutation: 'Sehr geehrter Herr Landrat,', groupInstitution: 'Kreis Kleve', groupRecipient: 'Der Landrat', groupStreet: 'Nassauerallee 15–23', groupPostcode: '47533', groupCity: 'Kleve' });
const kreistag = group({ rank: 20, groupSalutation: 'Sehr geehrte Mitglieder des Kreistages,', groupInstitution: 'Kreis Kleve', groupRecipient: 'Mitglieder des Kreistages', groupStreet: 'Nassauerallee 15–23', groupPostcode: '47533', groupCity: 'Kleve' });
const mayors = group({ rank: 30, groupSalutation: 'Sehr geehrte Bürgermeisterinnen und Bürgermeister,', groupAddressLine: 'An die Bürgermeisterinnen und Bürgermeister im Kreis Kleve' });

describe('collective letters', () => {
  it('addresses a whole Kreistag', () => {
    expect(collectiveAddressBlock(kreistag)).toEqual(['Kreis Kleve', 'Mitglieder des Kreistages', 'Nassauerallee 15–23', '47533 Kleve']);
    expect(collectiveSalutation([kreistag])).toBe('Sehr geehrte Mitglieder des Kreistages,');
  });

  it('falls back to the group address line when no postal group address is set', () => {
    expect(collectiveAddressBlock(mayors)).toEqual(['An die Bürgermeisterinnen und Bürgermeister im Kreis Kleve']);
  });

  it('derives "Sehr geehrte Mitglieder …" from the recipient line when no group salutation is set', () => {
    expect(collectiveSalutation([group({ groupRecipient: 'Mitglieder des Rates der Stadt Goch' })])).toBe('Sehr geehrte Mitglieder des Rates der Stadt Goch,');
  });

  it('combines several groups, highest office (lowest rank) first, whatever the order given', () => {
    expect(collectiveSalutation([mayors, kreistag, landrat])).toBe(
      'Sehr geehrter Herr Landrat, sehr geehrte Mitglieder des Kreistages, sehr geehrte Bürgermeisterinnen und Bürgermeister,',
    );
  });

  it('uses a phrase once and drops "Damen und Herren" beside specific groups', () => {
    expect(collectiveSalutation([group({ rank: 5 }), landrat, landrat])).toBe('Sehr geehrter Herr Landrat,');
    expect(collectiveSalutation([group({}), group({ rank: 1 })])).toBe('Sehr geehrte Damen und Herren,');
    expect(collectiveSalutation([])).toBe('Sehr geehrte Damen und Herren,');
  });
});

describe('overlongAddressLines (80 mm at 10 pt Source Sans 3)', () => {
  it('passes ordinary lines and reports a line wider than the address field', () => {
    const long = 'Vorsitzender des Ausschusses für Arbeit, Gesundheit und Soziales des Landtags Nordrhein-Westfalen';
    expect(overlongAddressLines(['Kreis Kleve', 'Herrn Landrat', long])).toEqual([long]);
  });

  it('measures with the real font: wider glyphs make wider lines', () => {
    expect(lineWidthMm('WWWWWWWWWW')).toBeGreaterThan(lineWidthMm('iiiiiiiiii'));
    // About 55 average characters fit into 80 mm at 10 pt.
    expect(lineWidthMm('Vorsitzende des Integrationsausschusses')).toBeGreaterThan(40);
    expect(lineWidthMm('Vorsitzende des Integrationsausschusses')).toBeLessThan(80);
  });
});

describe('the directory warns exactly where the letter shrinks or wraps a line', () => {
  it('flags the lines the PDF fits by shrinking, also near the limit, an 83 mm line included', () => {
    const long = 'Vorsitzende des Ausschusses für Wohnen, Łódź-Partnerschaft, Integration und Soziales im Kreistag';
    const candidates = Array.from({ length: 50 }, (_, i) => long.slice(0, 40 + i));
    const shrunkInLetter = candidates.filter((line) => layoutAddress([line], 'Test').warnings.length > 0);
    expect(overlongAddressLines(candidates)).toEqual(shrunkInLetter);
    expect(shrunkInLetter.length).toBeGreaterThan(0);
    expect(shrunkInLetter.length).toBeLessThan(candidates.length);
    const line83 = candidates.find((line) => lineWidthMm(line) > 82 && lineWidthMm(line) < 84)!;
    expect(overlongAddressLines([line83])).toEqual([line83]);
  });
});
