// What the pages and the command line ask of a council information system besides the member
// import: which bodies and organisations it has, and which meetings are coming up.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDate } from '../shared/dates.ts';
import { oparlFetcher } from './oparl-fetch.ts';
import type { FetchJson } from './oparl-fetch.ts';
import { oparlReader } from './oparl-client.ts';
import { bodyChoice, choices, organizationChoice, pickByName, readBodies, readOrganizations, readUpcomingMeetings } from './oparl-council.ts';
import type { Choice, UpcomingMeeting } from './oparl-council.ts';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** "Mitzeichnen/0.1.0 (+https://mitzeichnen.example.org)": who asks, and where to find out more. */
export const oparlUserAgent = (baseUrl: string) => `Mitzeichnen/${version} (+${baseUrl})`;

/** A fetcher for one import or one page: bounded in size and time, private addresses as configured. */
export const createOparlFetcher = (config: Pick<Config, 'oparlAllowPrivate' | 'baseUrl'>) => oparlFetcher({ allowPrivate: config.oparlAllowPrivate, userAgent: oparlUserAgent(config.baseUrl) });

export type CouncilChoices = { bodies: Choice[]; body: Choice | undefined; organizations: Choice[] };

/** The system's bodies and, once one is chosen (or there is only one), its organisations. */
export async function discoverCouncil({ fetchJson, clock, system, body }: { fetchJson: FetchJson; clock: Clock; system: string; body?: string }): Promise<CouncilChoices> {
  const reader = oparlReader(fetchJson);
  const { bodies } = await readBodies(reader, system);
  if (!body && bodies.length > 1) return { bodies: choices(bodies, bodyChoice), body: undefined, organizations: [] };
  const chosen = pickByName(bodies, body, 'oparl.error.bodyNotFound');
  const organizations = await readOrganizations(reader, chosen, isoDate(clock()));
  return { bodies: choices(bodies, bodyChoice), body: bodyChoice(chosen), organizations: choices(organizations, organizationChoice) };
}

export type MeetingChoices = { bodies: Choice[]; body: Choice | undefined; meetings: UpcomingMeeting[] };

/** The upcoming meetings (from today on) of all organisations of the body. */
export async function discoverMeetings({ fetchJson, clock, system, body }: { fetchJson: FetchJson; clock: Clock; system: string; body?: string }): Promise<MeetingChoices> {
  const reader = oparlReader(fetchJson);
  const { bodies } = await readBodies(reader, system);
  if (!body && bodies.length > 1) return { bodies: choices(bodies, bodyChoice), body: undefined, meetings: [] };
  const chosen = pickByName(bodies, body, 'oparl.error.bodyNotFound');
  const today = isoDate(clock());
  const organizations = await readOrganizations(reader, chosen, today);
  const meetings = await readUpcomingMeetings({ reader, organizations, today });
  return { bodies: choices(bodies, bodyChoice), body: bodyChoice(chosen), meetings };
}
