// Forms of address (DIN 5008 address field and letter salutation). Pure: no database, no I/O
// except reading the letter font once for the width check. Rules: reference/domain-conventions.md §2.
import { addressLineWidth, overflowsAddressField } from '../letter-pdf/address-field.ts';
import type { Addressee, AddresseeList } from './addressees.table.ts';

export type AddressSource = Pick<
  Addressee,
  'salutation' | 'title' | 'firstName' | 'lastName' | 'function' | 'institution' | 'department' | 'street' | 'postcode' | 'city' | 'letterSalutation'
>;
export type GroupSource = Pick<
  AddresseeList,
  'rank' | 'groupAddressLine' | 'groupSalutation' | 'groupInstitution' | 'groupRecipient' | 'groupStreet' | 'groupPostcode' | 'groupCity'
>;

/** DIN 5008: the Anschriftzone holds at most 6 lines. */
export const MAX_ADDRESS_LINES = 6;

const clean = (value: string | null | undefined) => (value ?? '').replace(/\s+/g, ' ').trim();
const joinWords = (...parts: string[]) => parts.map(clean).filter(Boolean).join(' ');

// ---------------------------------------------------------------------------------------------
// Titles

/** Titles written after the name (members of parliament). */
const POST_NOMINALS = new Set(['mdl', 'mdb', 'mdep', 'mda', 'mdbb', 'mdhb']);

type Titles = { before: string; after: string; /** the one title used in the salutation */ salutationTitle: 'prof' | 'dr' | '' };

/** Splits "Prof. Dr. MdL" into the part before the name and the one after it. */
export function splitTitles(title: string): Titles {
  const words = clean(title).split(' ').filter(Boolean);
  const before: string[] = [];
  const after: string[] = [];
  for (const word of words) {
    if (POST_NOMINALS.has(word.toLowerCase().replace(/[.,]/g, ''))) after.push(word);
    else before.push(word);
  }
  const beforeText = before.join(' ');
  const salutationTitle = /\bprof(\.|essor(in)?)?(\s|$)/i.test(beforeText) ? 'prof' : /\bdr\.?(\s|$)/i.test(beforeText) ? 'dr' : '';
  return { before: beforeText, after: after.join(' '), salutationTitle };
}

// ---------------------------------------------------------------------------------------------
// Offices whose title replaces the name in a protocol-style salutation ("Sehr geehrter Herr Landrat,").

type Office = { male: string; female: string };

const OFFICES: Office[] = [
  { male: 'Landrat', female: 'Landrätin' },
  { male: 'Oberbürgermeister', female: 'Oberbürgermeisterin' },
  { male: 'Bürgermeister', female: 'Bürgermeisterin' },
  { male: 'Oberkreisdirektor', female: 'Oberkreisdirektorin' },
  { male: 'Kreisdirektor', female: 'Kreisdirektorin' },
  { male: 'Ministerpräsident', female: 'Ministerpräsidentin' },
  { male: 'Minister', female: 'Ministerin' },
  { male: 'Staatssekretär', female: 'Staatssekretärin' },
  { male: 'Landtagspräsident', female: 'Landtagspräsidentin' },
  { male: 'Präsident', female: 'Präsidentin' },
  { male: 'Regierungspräsident', female: 'Regierungspräsidentin' },
  { male: 'Vorsitzender', female: 'Vorsitzende' },
  { male: 'Beigeordneter', female: 'Beigeordnete' },
  { male: 'Dezernent', female: 'Dezernentin' },
];

/** The office named by the first word of a function ("Vorsitzende des Integrationsausschusses" → Vorsitzende). */
function officeOf(fn: string): Office | undefined {
  const first = clean(fn).split(/[\s,]/)[0] ?? '';
  if (first === '') return undefined;
  return OFFICES.find((office) => office.male === first || office.female === first || (office.female === 'Vorsitzende' && first === 'Vorsitzende'));
}

/** The office title matching the salutation: "Frau" + "Landrat" → "Landrätin". */
function officeTitle(office: Office, salutation: string): string {
  return salutation === 'Frau' ? office.female : office.male;
}

/**
 * A function short enough to stand beside "Herrn"/"Frau" ("Herrn Landrat", "Frau Bürgermeisterin").
 * Longer ones ("Vorsitzende des Ausschusses für …") get a line of their own above the name.
 */
function isShortFunction(fn: string): boolean {
  const value = clean(fn);
  return value !== '' && !value.includes(' ') && value.length <= 24;
}

/**
 * Functions that are nominalised adjectives ("Vorsitzender", "Fraktionsvorsitzende",
 * "Beigeordneter") decline: the stem without its ending, or undefined for other words.
 */
const ADJECTIVAL_FUNCTION = /^(.*(?:vorsitzend|beigeordnet|abgeordnet|beauftragt|bevollmächtigt|angestellt|sachverständig|delegiert))(?:er|e|en)$/i;

/**
 * A one-word function beside "Herrn"/"Frau" in the address: the female form for "Frau", and the
 * accusative after "Herrn" ("Herrn Fraktionsvorsitzenden", "Frau Fraktionsvorsitzende").
 */
function addressedFunction(fn: string, salutation: string): string {
  const office = officeOf(fn);
  const word = office && clean(fn).split(' ').length === 1 ? officeTitle(office, salutation) : clean(fn);
  const stem = ADJECTIVAL_FUNCTION.exec(word)?.[1];
  if (stem === undefined) return word;
  return salutation === 'Herr' ? `${stem}en` : salutation === 'Frau' ? `${stem}e` : word;
}

// ---------------------------------------------------------------------------------------------
// Address block

const hasPerson = (a: AddressSource) => clean(a.lastName) !== '' || clean(a.firstName) !== '';
const addressWord = (salutation: string) => (salutation === 'Herr' ? 'Herrn' : salutation === 'Frau' ? 'Frau' : '');

function nameLine(a: AddressSource, withSalutation: boolean): string {
  const titles = splitTitles(a.title);
  return joinWords(withSalutation ? addressWord(a.salutation) : '', titles.before, a.firstName, a.lastName, titles.after);
}

function cityLine(postcode: string, city: string): string {
  return joinWords(postcode, city);
}

/** Merges lines from the top until at most six remain (institution and department first). */
function fitLines(lines: string[]): string[] {
  const result = lines.map(clean).filter(Boolean);
  while (result.length > MAX_ADDRESS_LINES && result.length >= 2) {
    const [first, second, ...rest] = result;
    result.splice(0, result.length, `${first}, ${second}`, ...rest);
  }
  return result;
}

/**
 * The lines of the DIN 5008 address field (Anschriftzone, ≤ 6 lines, no blank lines):
 * institution · department · "Herrn Landrat" · name · street · postcode and city. A long
 * function goes on its own line above "Frau Dr. Vorname Name MdL". Without an institution, a
 * person with a long function is named first ("Herrn Max Muster · Mitglied des Kreistags").
 */
export function addressBlock(a: AddressSource): string[] {
  const fn = clean(a.function);
  const recipient: string[] = [];
  let leading: string[] = [clean(a.institution), clean(a.department)];
  if (!hasPerson(a)) {
    recipient.push(fn);
  } else if (fn === '') {
    recipient.push(nameLine(a, true));
  } else if (isShortFunction(fn)) {
    const word = addressWord(a.salutation);
    recipient.push(joinWords(word, addressedFunction(fn, a.salutation)), nameLine(a, false));
  } else if (clean(a.institution) === '') {
    recipient.push(nameLine(a, true), fn);
    leading = [clean(a.department)];
  } else {
    recipient.push(fn, nameLine(a, true));
  }
  return fitLines([...leading, ...recipient, clean(a.street), cityLine(a.postcode, a.city)]);
}

// ---------------------------------------------------------------------------------------------
// Salutation

const dear = (salutation: string) => (salutation === 'Herr' ? 'Sehr geehrter Herr' : 'Sehr geehrte Frau');

/**
 * The letter's salutation, ending in a comma. An explicit salutation always wins; office
 * holders are addressed by their office ("Sehr geehrte Frau Bürgermeisterin,"); otherwise by
 * name with the highest title ("Sehr geehrter Herr Professor Meier,", "Sehr geehrte Frau Dr.
 * Nowak,"); without Herr/Frau neutrally ("Guten Tag Alex Beispiel,", without a first name only
 * "Guten Tag,"); an institution without a
 * person gets "Sehr geehrte Damen und Herren,".
 */
export function letterSalutation(a: AddressSource): string {
  const override = clean(a.letterSalutation);
  if (override !== '') return override;
  if (!hasPerson(a)) return 'Sehr geehrte Damen und Herren,';
  const titles = splitTitles(a.title);
  if (a.salutation === 'Herr' || a.salutation === 'Frau') {
    const office = officeOf(a.function);
    if (office) return `${dear(a.salutation)} ${officeTitle(office, a.salutation)},`;
    const title =
      titles.salutationTitle === 'prof'
        ? a.salutation === 'Frau'
          ? 'Professorin'
          : 'Professor'
        : titles.salutationTitle === 'dr'
          ? 'Dr.'
          : '';
    const name = clean(a.lastName) || clean(a.firstName);
    return `${joinWords(dear(a.salutation), title, name)},`;
  }
  // Neutral (DIN 5008): "Guten Tag Alex Beispiel,"; a surname alone would read as a rebuke.
  if (clean(a.firstName) === '') return 'Guten Tag,';
  return `Guten Tag ${joinWords(titles.before, a.firstName, a.lastName)},`;
}

// ---------------------------------------------------------------------------------------------
// Collective letters

/** The address field of one letter to a whole list ("Kreis Kleve · Mitglieder des Kreistages · …"). */
export function collectiveAddressBlock(g: GroupSource): string[] {
  const institution = clean(g.groupInstitution);
  const recipient = clean(g.groupRecipient);
  const head = institution === '' && recipient === '' ? [clean(g.groupAddressLine)] : [institution, recipient];
  return fitLines([...head, clean(g.groupStreet), cityLine(g.groupPostcode, g.groupCity)]);
}

function groupSalutationOf(g: GroupSource): string {
  const own = clean(g.groupSalutation);
  if (own !== '') return own;
  const recipient = clean(g.groupRecipient);
  if (/^Mitglieder\b/.test(recipient)) return `Sehr geehrte ${recipient},`;
  return 'Sehr geehrte Damen und Herren,';
}

/**
 * One salutation for a letter to several groups, highest office (lowest rank) first:
 * "Sehr geehrter Herr Landrat, sehr geehrte Mitglieder des Kreistages,". The same phrase is
 * used once; "Damen und Herren" comes last and only when nothing more specific is there.
 */
export function collectiveSalutation(groups: GroupSource[]): string {
  const sorted = [...groups].sort((a, b) => a.rank - b.rank);
  const parts: string[] = [];
  for (const group of sorted) {
    const part = groupSalutationOf(group).replace(/[,\s]+$/, '');
    if (!parts.some((existing) => existing.toLowerCase() === part.toLowerCase())) parts.push(part);
  }
  const generic = 'sehr geehrte damen und herren';
  const specific = parts.filter((part) => part.toLowerCase() !== generic);
  const chosen = specific.length > 0 ? specific : parts.length > 0 ? parts : ['Sehr geehrte Damen und Herren'];
  return `${chosen.map((part, index) => (index === 0 ? part : part.replace(/^Sehr /, 'sehr ').replace(/^Guten /, 'guten '))).join(', ')},`;
}

// ---------------------------------------------------------------------------------------------
// Width check: the PDF engine's width and measure, so the directory warns exactly where the
// letter shrinks or wraps a line.

const POINTS_PER_MM = 72 / 25.4;

/** Width of a line in millimetres as the letter prints it (regular face, no kerning) at `sizePt` (default 10 pt). */
export function lineWidthMm(line: string, sizePt?: number): number {
  return addressLineWidth(line, sizePt) / POINTS_PER_MM;
}

/** The address lines wider than the usable 80 mm of the address field at the address font size (10 pt). */
export function overlongAddressLines(lines: string[], sizePt?: number): string[] {
  return lines.filter((line) => overflowsAddressField(line, sizePt));
}
