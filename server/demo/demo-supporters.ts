// The supporters of the demo's Kleve appeal: three supporter organisations (two confirmed, one
// waiting for the organiser's approval) and 340 confirmed citizens from the towns of the Kreis
// Kleve, about half of them named on the public page, a few with comments. Everything is
// invented and derived from a fixed seed and the demo's clock, so every seed gives the same rows.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { placeholderLogo } from '../signatories/logos.ts';
import { supportersRepository } from '../supporters/supporters.repository.ts';
import { emailKeyOf } from '../supporters/supporters.table.ts';
import type { NewSupporter } from '../supporters/supporters.table.ts';

export const DEMO_SUPPORTERS_SLUG = 'kleve-aufruf-integration';
export const DEMO_CITIZENS = 340;

type DemoOrganisation = {
  organisationName: string;
  shortName: string;
  /** At most 8 characters for the placeholder logo. */
  logoLabel: string;
  website: string;
  address: string;
  postcode: string;
  place: string;
  firstName: string;
  lastName: string;
  representativeFunction: string;
  email: string;
  state: 'confirmed' | 'awaiting_approval';
  /** Days before the demo's "now" the organisation asked to join. */
  daysAgo: number;
  comment: string;
};

export const demoSupporterOrganisations: DemoOrganisation[] = [
  {
    organisationName: 'Flüchtlingshilfe Goch e.V.',
    shortName: 'Flüchtlingshilfe Goch',
    logoLabel: 'FH Goch',
    website: 'https://fluechtlingshilfe-goch.example.org/',
    address: 'Beispielweg 12\n47574 Goch',
    postcode: '47574',
    place: 'Goch',
    firstName: 'Hendrik',
    lastName: 'Verhoeven',
    representativeFunction: 'Vorsitzender',
    email: 'vorstand@fluechtlingshilfe-goch.example.org',
    state: 'confirmed',
    daysAgo: 30,
    comment: 'Unsere Ehrenamtlichen erleben jeden Tag, wie sehr eine koordinierende Stelle fehlt.',
  },
  {
    organisationName: 'Evangelische Kirchengemeinde Emmerich am Rhein',
    shortName: 'Ev. Kirchengemeinde Emmerich',
    logoLabel: 'EKG',
    website: 'https://ev-kirche-emmerich.example.org/',
    address: 'Musterplatz 3\n46446 Emmerich am Rhein',
    postcode: '46446',
    place: 'Emmerich am Rhein',
    firstName: 'Sabine',
    lastName: 'Ahrens',
    representativeFunction: 'Pfarrerin, Vorsitzende des Presbyteriums',
    email: 'presbyterium@ev-kirche-emmerich.example.org',
    state: 'confirmed',
    daysAgo: 19,
    comment: '',
  },
  {
    organisationName: 'SV Rot-Weiß Weeze 1921 e.V.',
    shortName: 'SV Rot-Weiß Weeze',
    logoLabel: 'SV RWW',
    website: 'https://sv-rotweiss-weeze.example.org/',
    address: 'Sportplatzweg 9\n47652 Weeze',
    postcode: '47652',
    place: 'Weeze',
    firstName: 'Thomas',
    lastName: 'Janßen',
    representativeFunction: '1. Vorsitzender',
    email: 'vorstand@sv-rotweiss-weeze.example.org',
    state: 'awaiting_approval',
    daysAgo: 2,
    comment: 'Sport verbindet – in unseren Mannschaften spielen Kinder aus zwölf Ländern.',
  },
];

const firstNames = [
  'Anna', 'Lena', 'Marie', 'Sophie', 'Laura', 'Julia', 'Katharina', 'Sarah', 'Lisa', 'Hannah', 'Petra', 'Monika', 'Sabine', 'Birgit', 'Ursula',
  'Gabriele', 'Claudia', 'Andrea', 'Stefanie', 'Nicole', 'Elif', 'Fatma', 'Agnieszka', 'Olena', 'Mariam', 'Ingrid', 'Renate', 'Hildegard', 'Anke', 'Jutta',
  'Thomas', 'Michael', 'Andreas', 'Stefan', 'Christian', 'Markus', 'Jan', 'Tobias', 'Lukas', 'Jonas', 'Felix', 'Paul', 'Hans', 'Peter', 'Wolfgang',
  'Klaus', 'Jürgen', 'Bernd', 'Heinz', 'Gerd', 'Dirk', 'Frank', 'Ralf', 'Theo', 'Wilhelm', 'Mehmet', 'Ahmad', 'Piotr', 'Dmytro', 'Kemal',
];

const lastNames = [
  'Janssen', 'Hendricks', 'Verhoeven', 'Peters', 'Derksen', 'Kersten', 'van den Berg', 'Tebart', 'Hermsen', 'Gerritsen', 'Evers', 'Arntz', 'Boßmann', 'Kleinen',
  'Lamers', 'Willems', 'Thissen', 'Bruns', 'Verheyen', 'Koenen', 'Hülsmann', 'van Bebber', 'Elbers', 'Giesen', 'Hoffmann', 'Schmitz', 'Müller', 'Schneider',
  'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Schwarz', 'Zimmermann', 'Krüger', 'Hartmann',
  'Lange', 'Werner', 'Brandt', 'Vogel', 'Jansen', 'Terlinden', 'Pastoors', 'Baumann', 'Franken', 'Kühnen', 'Aben', 'Yılmaz', 'Demir', 'Kowalski',
  'Nowak', 'Wiśniewska', 'Hoxha', 'Haddad', 'Schevtschenko', 'Öztürk', 'Kaya', 'Nguyen',
];

/** Postcode and place with a weight close to the towns' share of the Kreis's population. */
const places: [string, string, number][] = [
  ['47533', 'Kleve', 13], ['47574', 'Goch', 9], ['47608', 'Geldern', 8], ['46446', 'Emmerich am Rhein', 8], ['47623', 'Kevelaer', 7],
  ['46459', 'Rees', 5], ['47638', 'Straelen', 4], ['47546', 'Kalkar', 4], ['47551', 'Bedburg-Hau', 3], ['47647', 'Kerken', 3],
  ['47661', 'Issum', 3], ['47559', 'Kranenburg', 3], ['47652', 'Weeze', 3], ['47669', 'Wachtendonk', 2], ['47589', 'Uedem', 2], ['47509', 'Rheurdt', 2],
];

const approvedComments = [
  'Als Lehrerin sehe ich, wie viel davon abhängt, dass Schule, Jugendamt und Beratung zusammenarbeiten.',
  'Integration gelingt vor Ort. Der Kreis sollte die Landesförderung endlich nutzen.',
  'Ich bin vor 20 Jahren selbst hierher gekommen. Eine Anlaufstelle hätte mir viel erspart.',
  'Unser Sprachcafé in Kevelaer braucht eine feste Ansprechperson beim Kreis.',
  'Gute Koordination spart am Ende Geld und Nerven – für alle Beteiligten.',
  'Ich unterstütze den Aufruf, weil Ehrenamt Begleitung braucht.',
  'Viele Kommunen in NRW haben längst ein Integrationszentrum. Warum nicht wir?',
  'Als Ausbilder im Handwerk wünsche ich mir mehr Unterstützung für junge Geflüchtete.',
  'Danke an alle, die diesen Aufruf auf den Weg gebracht haben!',
  'Damit Kinder von Anfang an gute Chancen haben.',
];

const pendingComments = ['Bitte auch an die Situation der Saisonarbeitskräfte denken.', 'Wann wird der Kreistag darüber beraten?'];

/** A small deterministic generator (mulberry32): the same seed gives the same demo. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 24 * 60 * 60 * 1000;
const SEED = 12_2026;

const pick = <T>(items: readonly T[], next: () => number): T => items[Math.floor(next() * items.length)]!;

function weightedPlace(next: () => number): [string, string] {
  const total = places.reduce((sum, [, , weight]) => sum + weight, 0);
  let roll = next() * total;
  for (const [postcode, place, weight] of places) {
    roll -= weight;
    if (roll < 0) return [postcode, place];
  }
  return [places[0]![0], places[0]![1]];
}

/**
 * When a citizen confirmed, as days before now: most came in the first days after the launch
 * five weeks ago, a second wave after a newspaper report twelve days ago, a few every day since.
 */
function daysAgo(next: () => number): number {
  const wave = next();
  if (wave < 0.45) return 35 - Math.min(34, -Math.log(1 - next()) * 4);
  if (wave < 0.8) return Math.max(0.05, 12 - Math.min(11.9, -Math.log(1 - next()) * 2));
  return next() * 35;
}

/** Every demo supporter row of the appeal (logo files written beforehand are passed in by name). */
export function demoSupporterRows({ appeal, now, logoFiles }: { appeal: Pick<Appeal, 'id'>; now: Date; logoFiles: (string | null)[] }): NewSupporter[] {
  const next = random(SEED);
  const at = (days: number) => new Date(Math.floor((now.getTime() - days * DAY) / 60_000) * 60_000);
  const rows: NewSupporter[] = demoSupporterOrganisations.map((org, index) => {
    const asked = at(org.daysAgo);
    const { daysAgo: _days, state, ...values } = org;
    return {
      ...values,
      appealId: appeal.id,
      kind: 'organisation',
      state,
      emailKey: emailKeyOf(org.email),
      comment: org.comment,
      commentState: org.comment ? (state === 'confirmed' ? 'approved' : 'pending') : 'none',
      showName: true,
      keepInformed: true,
      logoFile: logoFiles[index] ?? null,
      consentLogo: logoFiles[index] !== null,
      authorityDeclared: true,
      createdAt: asked,
      // Organisations count once the organiser approved them (a day after they asked).
      confirmedAt: state === 'confirmed' ? at(org.daysAgo - 1) : null,
      decidedAt: state === 'confirmed' ? at(org.daysAgo - 1) : null,
    };
  });
  const used = new Set<string>();
  for (let i = 0; i < DEMO_CITIZENS; i += 1) {
    const firstName = pick(firstNames, next);
    const lastName = pick(lastNames, next);
    const [postcode, place] = weightedPlace(next);
    const confirmedAt = at(daysAgo(next));
    const local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z]+/g, '.');
    let email = `${local}@example.org`;
    for (let n = 2; used.has(email); n += 1) email = `${local}${n}@example.org`;
    used.add(email);
    const showName = next() < 0.5;
    const keepInformed = next() < 0.3;
    // About a dozen approved comments, two waiting for moderation.
    const pending = i === 101 ? pendingComments[0]! : i === 257 ? pendingComments[1]! : '';
    const comment = pending || (i % 29 === 3 ? approvedComments[Math.floor(i / 29) % approvedComments.length]! : '');
    rows.push({
      appealId: appeal.id,
      kind: 'citizen',
      state: 'confirmed',
      firstName,
      lastName,
      postcode,
      place,
      email,
      emailKey: emailKeyOf(email),
      comment,
      commentState: comment === '' ? 'none' : pending ? 'pending' : 'approved',
      showName,
      keepInformed,
      // Confirmed within an hour of signing.
      createdAt: new Date(confirmedAt.getTime() - Math.round(next() * 60) * 60_000),
      confirmedAt,
    });
  }
  return rows;
}

/** Writes the demo supporters of the Kleve appeal (placeholder logos for the organisations), in one transaction. */
export async function seedDemoSupporters({ db, clock, fileStore, appeal }: { db: Db; clock: Clock; fileStore: FileStore; appeal: Pick<Appeal, 'id'> }): Promise<number> {
  const logoFiles: (string | null)[] = [];
  for (const org of demoSupporterOrganisations) logoFiles.push(fileStore.write('logos', await placeholderLogo(org.logoLabel), 'png'));
  const rows = demoSupporterRows({ appeal, now: clock(), logoFiles });
  db.transaction((tx) => supportersRepository(tx).insertDemoRows(rows));
  return rows.length;
}
