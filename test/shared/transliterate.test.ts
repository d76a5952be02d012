import { describe, expect, it } from 'vitest';
import { transliterate } from '../../server/shared/transliterate.ts';
import { slugify } from '../../server/shared/slug.ts';
import { exportFileName } from '../../server/addressees/addressees.export.ts';
import { asciiFileName } from '../../server/dispatch/dispatch.mails.ts';

describe('one transliteration to ASCII', () => {
  it('spells out umlauts and ß, drops other accents and keeps the case', () => {
    expect(transliterate('Bürgermeisterin Äbtissin Öffentlichkeit Überweg Straße')).toBe('Buergermeisterin Aebtissin Oeffentlichkeit Ueberweg Strasse');
    expect(transliterate('Łódź Małgorzata, Ayşe Yılmaz, Çağrı Öztürk, Sévérine Dvořák, Ågren')).toBe('Lodz Malgorzata, Ayse Yilmaz, Cagri Oeztuerk, Severine Dvorak, Agren');
  });

  it('gives lowercase slugs and case-keeping file names', () => {
    expect(slugify('Gemeinsamer Aufruf: Integration ist kein Zufall – Kreis Kleve')).toBe('gemeinsamer-aufruf-integration-ist-kein-zufall-kreis-kleve');
    expect(slugify('ÄRGER über Öl & Übel')).toBe('aerger-ueber-oel-uebel');
    expect(slugify('Łódź')).toBe('lodz');
    expect(exportFileName('Bürgermeister:innen im Kreis Kleve', 'csv')).toBe('Buergermeister-innen-im-Kreis-Kleve.csv');
    expect(exportFileName('Ayşe Yılmaz', 'xlsx')).toBe('Ayse-Yilmaz.xlsx');
    expect(asciiFileName('2026-11-22_Brief_Bürgermeisterin_Kleve.pdf')).toBe('2026-11-22_Brief_Buergermeisterin_Kleve.pdf');
    expect(asciiFileName('Brief an Frau Dvořáková')).toBe('Brief-an-Frau-Dvorakova.pdf');
  });
});
