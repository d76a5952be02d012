// What the app reads from a council information system: its bodies, a body's organisations, an
// organisation's current members (with their persons and postal addresses) and its upcoming
// meetings. Dates are compared as calendar days in Berlin time, "today" from the clock.
import { OparlError } from './oparl-fetch.ts';
import { mapLimited, text, texts, urlOf } from './oparl-client.ts';
import type { OparlObject, OparlReader } from './oparl-client.ts';

export type Choice = { id: string; name: string; detail: string };

export type CouncilMember = {
  personId: string;
  formOfAddress: string;
  title: string;
  givenName: string;
  familyName: string;
  role: string;
  email: string;
  street: string;
  postcode: string;
  city: string;
};

export type UpcomingMeeting = { id: string; name: string; start: string; day: string; organizations: Choice[] };

const day = (value: unknown) => text(value).slice(0, 10);
const byName = (a: Choice, b: Choice) => a.name.localeCompare(b.name, 'de');
const normalise = (value: string) => value.toLowerCase().replace(/\s+/g, ' ').trim();

/** The bodies of a system; a Body URL given as "system" is taken as the one body. */
export async function readBodies(reader: OparlReader, systemUrl: string): Promise<{ systemName: string; bodies: OparlObject[] }> {
  const start = await reader.object(systemUrl);
  if (start.type.endsWith('/Body')) return { systemName: text(start.name), bodies: [start] };
  if (!start.type.endsWith('/System')) throw new OparlError('oparl.error.wrongType', { expected: 'System', found: start.type.slice(start.type.lastIndexOf('/') + 1) });
  const bodyList = text(start.body);
  if (!bodyList) throw new OparlError('oparl.error.noBodies');
  const bodies = await reader.list(bodyList, 'Body');
  if (bodies.length === 0) throw new OparlError('oparl.error.noBodies');
  return { systemName: text(start.name), bodies };
}

export const bodyChoice = (body: OparlObject): Choice => ({ id: body.id, name: text(body.name) || text(body.shortName) || body.id, detail: text(body.shortName) });

/** Picks one object by its id (URL), its name or short name, or a unique part of its name; the only one when nothing is asked for. */
export function pickByName(objects: OparlObject[], wanted: string | undefined, notFound: 'oparl.error.bodyNotFound' | 'oparl.error.organizationNotFound'): OparlObject {
  const asked = normalise(wanted ?? '');
  if (asked === '') {
    if (objects.length === 1) return objects[0]!;
    throw new OparlError(notFound, { name: '', choices: objects.map((o) => text(o.name)).slice(0, 30).join(', ') });
  }
  const exact = objects.filter((o) => o.id === wanted || normalise(text(o.name)) === asked || normalise(text(o.shortName)) === asked);
  if (exact.length >= 1) return exact[0]!;
  const partial = objects.filter((o) => normalise(text(o.name)).includes(asked));
  if (partial.length === 1) return partial[0]!;
  throw new OparlError(notFound, { name: wanted ?? '', choices: objects.map((o) => text(o.name)).slice(0, 30).join(', ') });
}

/** The organisations of a body (Kreistag, committees, factions), current ones only, by name. */
export async function readOrganizations(reader: OparlReader, body: OparlObject, today: string): Promise<OparlObject[]> {
  const url = text(body.organization);
  if (!url) return [];
  const organizations = await reader.list(url, 'Organization');
  return organizations.filter((o) => !day(o.endDate) || day(o.endDate) >= today).sort((a, b) => text(a.name).localeCompare(text(b.name), 'de'));
}

export const organizationChoice = (organization: OparlObject): Choice => ({
  id: organization.id,
  name: text(organization.name) || text(organization.shortName) || organization.id,
  detail: text(organization.classification) || text(organization.organizationType),
});

export const choices = (objects: OparlObject[], toChoice: (o: OparlObject) => Choice) => objects.map(toChoice).sort(byName);

/** Started (or no start) and not ended before today. */
export const isCurrent = (membership: OparlObject, today: string) => {
  const start = day(membership.startDate);
  const end = day(membership.endDate);
  return (start === '' || start <= today) && (end === '' || end >= today);
};

/** The membership's role as the letter names it; plain membership is no office ("Herrn Mitglied" would be wrong). */
const officeOf = (role: unknown) => (/^(ordentliches )?mitglied$/i.test(text(role)) ? '' : text(role));

function memberOf(person: OparlObject, role: string, location: OparlObject | undefined): CouncilMember {
  const title = [...texts(person.title), text(person.affix)].filter(Boolean).join(' ');
  const gender = text(person.gender);
  const formOfAddress = text(person.formOfAddress) || (gender === 'male' ? 'Herr' : gender === 'female' ? 'Frau' : '');
  return {
    personId: person.id,
    formOfAddress,
    title,
    givenName: text(person.givenName),
    familyName: text(person.familyName) || (text(person.givenName) ? '' : text(person.name)),
    role: officeOf(role),
    email: texts(person.email)[0] ?? '',
    street: text(location?.streetAddress),
    postcode: text(location?.postalCode),
    city: text(location?.locality),
  };
}

/**
 * The current members of an organisation. Persons come from the body's person list (1.1 embeds
 * their memberships); where that names none of the organisation's members, the organisation's
 * own membership URLs are read instead (1.0 systems).
 */
export async function readCurrentMembers({ reader, body, organization, today, progress }: { reader: OparlReader; body: OparlObject; organization: OparlObject; today: string; progress?: (done: number, total: number) => void }): Promise<CouncilMember[]> {
  const found: { person: OparlObject; membership: OparlObject }[] = [];
  const personList = text(body.person);
  if (personList) {
    const persons = await reader.list(personList, 'Person', (pages) => progress?.(pages, 0));
    for (const person of persons) {
      for (const entry of Array.isArray(person.membership) ? person.membership : []) {
        if (!entry || typeof entry !== 'object') continue;
        const membership = entry as OparlObject;
        if (urlOf(membership.organization) === organization.id && isCurrent(membership, today)) found.push({ person, membership });
      }
    }
  }
  if (found.length === 0 && Array.isArray(organization.membership)) {
    const memberships = await mapLimited(organization.membership, 4, (entry) => reader.object(entry, 'Membership'));
    const current = memberships.filter((membership) => isCurrent(membership, today));
    const persons = await mapLimited(current, 4, (membership) => reader.object(membership.person, 'Person'));
    current.forEach((membership, index) => found.push({ person: persons[index]!, membership }));
  }
  // One entry per person (a person may hold two memberships, e.g. member and chair): a role beats plain membership.
  const hasRole = (membership: OparlObject) => officeOf(membership.role) !== '';
  const byPerson = new Map<string, { person: OparlObject; membership: OparlObject }>();
  for (const item of found) {
    const earlier = byPerson.get(item.person.id);
    if (!earlier || (!hasRole(earlier.membership) && hasRole(item.membership))) byPerson.set(item.person.id, item);
  }
  const items = [...byPerson.values()];
  let done = 0;
  return mapLimited(items, 4, async ({ person, membership }) => {
    const embedded = person.locationObject && typeof person.locationObject === 'object' ? person.locationObject : undefined;
    const location = embedded ? await reader.object(embedded, 'Location') : text(person.location) ? await reader.object(person.location, 'Location') : undefined;
    done += 1;
    progress?.(done, items.length);
    return memberOf(person, text(membership.role), location);
  });
}

/** Meetings of the organisations from today on (not cancelled), earliest first. */
export async function readUpcomingMeetings({ reader, organizations, today }: { reader: OparlReader; organizations: OparlObject[]; today: string }): Promise<UpcomingMeeting[]> {
  const names = new Map(organizations.map((o) => [o.id, organizationChoice(o)]));
  const meetings = new Map<string, UpcomingMeeting>();
  const lists = await mapLimited(organizations, 4, async (organization) => (text(organization.meeting) ? reader.list(text(organization.meeting), 'Meeting') : []));
  organizations.forEach((organization, index) => {
    for (const meeting of lists[index]!) {
      const start = text(meeting.start);
      const meetingDay = berlinDay(start);
      if (!meetingDay || meetingDay < today || meeting.cancelled === true || meetings.has(meeting.id)) continue;
      const ids = texts(Array.isArray(meeting.organization) ? meeting.organization.map(urlOf) : []);
      const own = (ids.length > 0 ? ids : [organization.id]).map((id) => names.get(id)).filter((choice): choice is Choice => choice !== undefined);
      meetings.set(meeting.id, { id: meeting.id, name: text(meeting.name), start, day: meetingDay, organizations: own.length > 0 ? own : [organizationChoice(organization)] });
    }
  });
  return [...meetings.values()].sort((a, b) => a.start.localeCompare(b.start));
}

const berlinDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });

/** "2027-02-25" for a meeting's start ("2027-02-25T17:00:00+01:00"), in Berlin time. */
export function berlinDay(start: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(start)) return start;
  const time = Date.parse(start);
  return Number.isNaN(time) ? '' : berlinDate.format(new Date(time));
}
