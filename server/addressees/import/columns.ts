/** The fields an import can fill; `houseNumber` is appended to the street. */
export const importFields = [
  'salutation',
  'title',
  'firstName',
  'lastName',
  'function',
  'institution',
  'department',
  'street',
  'houseNumber',
  'postcode',
  'city',
  'email',
  'letterSalutation',
  'verifiedAt',
  'note',
] as const;
export type ImportField = (typeof importFields)[number];

/** German column names as the export writes them (and as the upload page lists them). */
export const columnLabels: Record<ImportField, string> = {
  salutation: 'Anrede',
  title: 'Titel',
  firstName: 'Vorname',
  lastName: 'Nachname',
  function: 'Funktion',
  institution: 'Institution',
  department: 'Abteilung',
  street: 'Straße',
  houseNumber: 'Hausnummer',
  postcode: 'PLZ',
  city: 'Ort',
  email: 'E-Mail',
  letterSalutation: 'Briefanrede',
  verifiedAt: 'Geprüft am',
  note: 'Notiz',
};

const aliases: Record<ImportField, string[]> = {
  salutation: ['Anrede', 'Salutation', 'Geschlecht'],
  title: ['Titel', 'Akad. Grad', 'Akademischer Grad', 'Title'],
  firstName: ['Vorname', 'Vornamen', 'First name', 'Firstname'],
  lastName: ['Nachname', 'Name', 'Familienname', 'Last name', 'Lastname', 'Surname'],
  function: ['Funktion', 'Amt', 'Position', 'Amtsbezeichnung', 'Function'],
  institution: ['Institution', 'Organisation', 'Organization', 'Behörde', 'Kommune', 'Fraktion', 'Einrichtung', 'Körperschaft'],
  department: ['Abteilung', 'Fachbereich', 'Department'],
  street: ['Straße', 'Strasse', 'Str.', 'Adresse', 'Anschrift', 'Street'],
  houseNumber: ['Hausnummer', 'Hausnr.', 'Nr.'],
  postcode: ['PLZ', 'Postleitzahl', 'Zip', 'Postcode'],
  city: ['Ort', 'Stadt', 'Wohnort', 'City'],
  email: ['E-Mail', 'Email', 'Mail', 'E-Mail-Adresse', 'Emailadresse', 'Mailadresse'],
  letterSalutation: ['Briefanrede'],
  verifiedAt: ['Geprüft am', 'Geprüft', 'Verifiziert am', 'Stand'],
  note: ['Notiz', 'Bemerkung', 'Hinweis'],
};

/** Lower-case, trimmed, ß → ss, without spaces, "-", "_" and ".": "E-Mail" → "email". */
export function normaliseHeader(header: string): string {
  return header.trim().toLowerCase().replace(/ß/g, 'ss').replace(/[\s\-_.:]/g, '');
}

const byAlias = new Map<string, ImportField>();
for (const field of importFields) for (const alias of aliases[field]) byAlias.set(normaliseHeader(alias), field);

export type ColumnMapping = {
  /** Per column of the file: the field it fills, or null when it is ignored. */
  fields: (ImportField | null)[];
  headers: string[];
  ignored: string[];
};

/** Maps the header row to fields; the first of two columns for the same field wins. */
export function mapColumns(headers: string[]): ColumnMapping {
  const taken = new Set<ImportField>();
  const fields = headers.map((header) => {
    const field = byAlias.get(normaliseHeader(header)) ?? null;
    if (!field || taken.has(field)) return null;
    taken.add(field);
    return field;
  });
  const ignored = headers.filter((header, index) => fields[index] === null && header.trim() !== '');
  return { fields, headers, ignored };
}
