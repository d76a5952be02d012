// TEMPORARY STAND-IN (branch issue-letter-pdf): the real forms-of-address module is written
// in parallel and replaces this file at merge. Same exports, simple but correct for the
// common cases of the demo (Landrat, Bürgermeister:in, Kreistag, Landtag committee chair).

export type AddresseeFields = {
  salutation: string;
  title: string;
  firstName: string;
  lastName: string;
  function: string;
  institution: string;
  department: string;
  street: string;
  postcode: string;
  city: string;
  letterSalutation: string;
};

export type GroupFields = {
  rank: number;
  groupAddressLine: string;
  groupSalutation: string;
  groupInstitution: string;
  groupRecipient: string;
  groupStreet: string;
  groupPostcode: string;
  groupCity: string;
};

const join = (...parts: string[]) => parts.map((part) => part.trim()).filter(Boolean).join(' ');

/** Address lines of one addressee (Anschriftzone, without the return line). */
export function addressBlock(a: AddresseeFields): string[] {
  const lines: string[] = [];
  if (a.institution) lines.push(a.institution);
  if (a.department) lines.push(a.department);
  const name = join(a.title, a.firstName, a.lastName);
  const honorific = a.salutation === 'Herr' ? 'Herrn' : a.salutation === 'Frau' ? 'Frau' : '';
  if (name) {
    if (a.function && a.function.length <= 24) {
      lines.push(join(honorific, a.function));
      lines.push(name);
    } else {
      lines.push(join(honorific, name));
      if (a.function) lines.push(a.function);
    }
  } else if (a.function) {
    lines.push(a.function);
  }
  if (a.street) lines.push(a.street);
  const place = join(a.postcode, a.city);
  if (place) lines.push(place);
  return lines;
}

/** The salutation of one addressee, ending in a comma. */
export function letterSalutation(a: AddresseeFields): string {
  if (a.letterSalutation.trim()) return a.letterSalutation.trim();
  const female = a.salutation === 'Frau';
  const male = a.salutation === 'Herr';
  const highestTitle = /Prof\./.test(a.title) ? 'Professor' : /Dr\./.test(a.title) ? 'Dr.' : '';
  const office = a.function.trim();
  if ((female || male) && /^(Landr[aä]t(in)?|Bürgermeister(in)?|Oberbürgermeister(in)?|Vorsitzende[r]?)( |$)/.test(office)) {
    const word = office.split(' ')[0]!;
    return `${female ? 'Sehr geehrte Frau' : 'Sehr geehrter Herr'} ${word},`;
  }
  if ((female || male) && a.lastName) {
    return `${female ? 'Sehr geehrte Frau' : 'Sehr geehrter Herr'} ${join(highestTitle, a.lastName)},`;
  }
  if (a.lastName) return `Guten Tag ${join(a.firstName, a.lastName)},`;
  return 'Sehr geehrte Damen und Herren,';
}

/** The postal address block of a letter to a whole group. */
export function collectiveAddressBlock(g: GroupFields): string[] {
  const lines = [g.groupInstitution, g.groupRecipient, g.groupStreet, join(g.groupPostcode, g.groupCity)];
  const filled = lines.map((line) => line.trim()).filter(Boolean);
  return filled.length > 0 ? filled : [g.groupAddressLine].filter(Boolean);
}

/** One salutation for several groups, highest rank first. */
export function collectiveSalutation(groups: GroupFields[]): string {
  const parts = [...groups]
    .sort((a, b) => a.rank - b.rank)
    .map((g) => g.groupSalutation.trim().replace(/,$/, ''))
    .filter(Boolean);
  if (parts.length === 0) return 'Sehr geehrte Damen und Herren,';
  return `${parts.map((part, index) => (index === 0 ? part : part.charAt(0).toLowerCase() + part.slice(1))).join(', ')},`;
}

/** Lines that are likely wider than the 85 mm address field (rough estimate by length). */
export function overlongAddressLines(lines: string[]): string[] {
  return lines.filter((line) => line.length > 48);
}
