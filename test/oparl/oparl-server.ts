// A council information system for the tests: a local HTTP server that serves an OParl 1.1
// system built from the specification's object shapes (System → Body → Organization, Person with
// embedded Membership and Location, Meeting), lists paginated with `data`, `pagination` and
// `links.next`. Tests change `council` between requests (a refresh) and add raw routes.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

const S = 'https://schema.oparl.org/1.1/';

const running: import('node:http').Server[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

export type TestPerson = {
  n: number;
  formOfAddress: string;
  title: string[];
  affix?: string;
  givenName: string;
  familyName: string;
  email: string[];
  /** 'embedded' (locationObject), 'url' (location), or none */
  location: 'embedded' | 'url' | 'none';
  street: string;
  memberships: { organization: number; role: string; startDate?: string; endDate?: string }[];
};

export type TestCouncil = { persons: TestPerson[]; perPage: number };

/** The Kreistag (organisation 1) with 60 members, the chair a woman with a doctorate; a committee (2); a faction (3). */
export function kreistag(): TestCouncil {
  const persons: TestPerson[] = [];
  for (let n = 1; n <= 60; n += 1) {
    const woman = n % 2 === 1;
    persons.push({
      n,
      formOfAddress: woman ? 'Frau' : 'Herr',
      title: n === 1 ? ['Dr.'] : [],
      affix: n === 4 ? 'MdL' : undefined,
      givenName: woman ? `Anna${n}` : `Bernd${n}`,
      familyName: `Mitglied${String(n).padStart(2, '0')}`,
      // Number 5 has no address; 58 and 60 give the same (their faction's office).
      email: n === 5 ? [] : n === 58 || n === 60 ? ['buero@fraktion.example'] : [`mitglied${n}@kreis-beispiel.example`],
      location: n === 7 ? 'url' : n === 9 ? 'none' : 'embedded',
      street: `Ratsweg ${n}`,
      memberships: [
        { organization: 1, role: n === 1 ? 'Vorsitzende' : 'Mitglied', startDate: '2025-11-01' },
        ...(n <= 15 ? [{ organization: 2, role: 'Mitglied', startDate: '2025-11-01' }] : []),
        ...(n <= 20 ? [{ organization: 3, role: 'Mitglied', startDate: '2025-11-01' }] : []),
      ],
    });
  }
  // A member of the last term: no longer current, never imported.
  persons.push({ n: 61, formOfAddress: 'Herr', title: [], givenName: 'Alt', familyName: 'Vorgänger', email: ['alt@kreis-beispiel.example'], location: 'embedded', street: 'Altweg 1', memberships: [{ organization: 1, role: 'Mitglied', startDate: '2020-11-01', endDate: '2025-10-31' }] });
  // Starts only next year: not yet a member.
  persons.push({ n: 62, formOfAddress: 'Frau', title: [], givenName: 'Neu', familyName: 'Nachfolgerin', email: ['neu@kreis-beispiel.example'], location: 'embedded', street: 'Neuweg 1', memberships: [{ organization: 1, role: 'Mitglied', startDate: '2027-01-01' }] });
  return { persons, perPage: 21 };
}

export async function startOparlServer(council: TestCouncil = kreistag()) {
  const raw = new Map<string, (request: IncomingMessage, response: ServerResponse) => void>();
  const requests: { url: string; userAgent: string }[] = [];
  const server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', userAgent: String(request.headers['user-agent'] ?? '') });
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const handler = raw.get(path);
    if (handler) return handler(request, response);
    const body = state.objects(new URL(request.url ?? '/', base));
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' });
      return response.end('{"error":"not found"}');
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const o = `${base}/oparl/v1`;
  const orgs = [
    { id: 1, name: 'Kreistag', classification: 'Kreistag' },
    { id: 2, name: 'Kreisausschuss', classification: 'Ausschuss' },
    { id: 3, name: 'Fraktion Gemeinwohl', classification: 'Fraktion' },
  ];
  const meetings: Record<number, { id: number; name: string; start: string; cancelled?: boolean }[]> = {
    1: [
      { id: 101, name: '3. Sitzung des Kreistages', start: '2026-10-01T17:00:00+02:00' },
      { id: 102, name: '5. Sitzung des Kreistages', start: '2027-03-17T17:00:00+01:00' },
    ],
    2: [
      { id: 201, name: 'Sitzung des Kreisausschusses', start: '2027-02-25T15:00:00+01:00' },
      { id: 202, name: 'Sitzung des Kreisausschusses (abgesagt)', start: '2027-01-14T15:00:00+01:00', cancelled: true },
    ],
    3: [],
  };
  const location = (p: TestPerson) => ({ id: `${o}/location/${p.n}`, type: `${S}Location`, streetAddress: p.street, postalCode: '47533', locality: 'Kleve' });
  const person = (p: TestPerson) => ({
    id: `${o}/person/${p.n}`,
    type: `${S}Person`,
    body: `${o}/body/1`,
    name: [p.formOfAddress, ...p.title, p.givenName, p.familyName].join(' '),
    familyName: p.familyName,
    givenName: p.givenName,
    formOfAddress: p.formOfAddress,
    title: p.title,
    ...(p.affix ? { affix: p.affix } : {}),
    email: p.email,
    ...(p.location === 'embedded' ? { locationObject: location(p) } : p.location === 'url' ? { location: `${o}/location/${p.n}` } : {}),
    membership: p.memberships.map((m, index) => ({
      id: `${o}/membership/${p.n}-${index}`,
      type: `${S}Membership`,
      person: `${o}/person/${p.n}`,
      organization: `${o}/organization/${m.organization}`,
      role: m.role,
      votingRight: true,
      ...(m.startDate ? { startDate: m.startDate } : {}),
      ...(m.endDate ? { endDate: m.endDate } : {}),
    })),
  });
  const page = (url: URL, items: unknown[], perPage: number) => {
    const current = Number(url.searchParams.get('page') ?? '1');
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const next = new URL(url.href);
    next.searchParams.set('page', String(current + 1));
    return {
      data: items.slice((current - 1) * perPage, current * perPage),
      pagination: { totalElements: items.length, elementsPerPage: perPage, currentPage: current, totalPages },
      links: { first: url.href, ...(current < totalPages ? { next: next.href } : {}) },
    };
  };
  const state = {
    council,
    objects(url: URL): unknown {
      const path = url.pathname;
      const c = state.council;
      if (path === '/oparl/v1/system') return { id: `${o}/system`, type: `${S}System`, oparlVersion: S, name: 'Ratsinformationssystem Kreis Beispiel', body: `${o}/bodies` };
      if (path === '/oparl/v1/bodies') return page(url, [state.objects(new URL(`${o}/body/1`))], 20);
      if (path === '/oparl/v1/body/1') {
        return { id: `${o}/body/1`, type: `${S}Body`, system: `${o}/system`, name: 'Kreis Beispiel', shortName: 'Kreis', organization: `${o}/body/1/organizations`, person: `${o}/body/1/persons`, meeting: `${o}/body/1/meetings` };
      }
      if (path === '/oparl/v1/body/1/organizations') {
        return page(url, orgs.map((org) => ({ id: `${o}/organization/${org.id}`, type: `${S}Organization`, body: `${o}/body/1`, name: org.name, classification: org.classification, meeting: `${o}/organization/${org.id}/meetings` })), 20);
      }
      if (path === '/oparl/v1/body/1/persons') return page(url, c.persons.map(person), c.perPage);
      const loc = /^\/oparl\/v1\/location\/(\d+)$/.exec(path);
      if (loc) {
        const p = c.persons.find((candidate) => candidate.n === Number(loc[1]));
        return p ? location(p) : undefined;
      }
      const meet = /^\/oparl\/v1\/organization\/(\d+)\/meetings$/.exec(path);
      if (meet) {
        return page(url, (meetings[Number(meet[1])] ?? []).map((m) => ({ id: `${o}/meeting/${m.id}`, type: `${S}Meeting`, name: m.name, start: m.start, organization: [`${o}/organization/${meet[1]}`], ...(m.cancelled ? { cancelled: true } : {}) })), 20);
      }
      return undefined;
    },
  };
  running.push(server);
  return { base, system: `${o}/system`, body: `${o}/body/1`, organization: (n: number) => `${o}/organization/${n}`, state, raw, requests, server };
}

export type OparlTestServer = Awaited<ReturnType<typeof startOparlServer>>;
