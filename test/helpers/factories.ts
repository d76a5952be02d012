import type { Agent } from 'supertest';
import type { Db } from '../../server/db/client.ts';
import { systemClock } from '../../server/shared/clock.ts';
import type { FileStore } from '../../server/shared/file-store.ts';
import { createOrganiser } from '../../server/organisers/organisers.service.ts';
import { createAppeal } from '../../server/appeals/appeals.service.ts';
import type { AppealInput } from '../../server/appeals/appeals.service.ts';
import { addFirstSignatory } from '../../server/signatories/signatories.service.ts';
import type { SignatoryInput } from '../../server/signatories/signatories.service.ts';
import { addEntry, createList } from '../../server/addressees/addressees.service.ts';
import type { AddresseeValues, ListValues } from '../../server/addressees/addressees.repository.ts';
import type { AddresseeList } from '../../server/addressees/addressees.table.ts';
import type { Appeal } from '../../server/appeals/appeals.table.ts';
import { addListToAppeal } from '../../server/addressees/addressees.service.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import type { Config } from '../../server/config.ts';
import { finalise, openForSigning } from '../../server/signing/signing-organiser.service.ts';
import { recordSignature } from '../../server/signing/signing-representative.service.ts';
import { signingRepository } from '../../server/signing/signing.repository.ts';
import { eq } from 'drizzle-orm';
import { csrfToken } from './html.ts';

let sequence = 0;
const next = () => (sequence += 1);

export async function makeOrganiser(db: Db, overrides: { email?: string; name?: string; password?: string } = {}) {
  const n = next();
  const password = overrides.password ?? `passwort-${n}-geheim`;
  const created = await createOrganiser({
    db,
    clock: systemClock,
    input: { email: overrides.email ?? `koordination${n}@example.org`, name: overrides.name ?? `Koordinatorin ${n}`, password },
  });
  if (!created.ok) throw new Error('organiser exists');
  return { organiser: created.organiser, password };
}

export function appealInput(overrides: Partial<AppealInput> = {}): AppealInput {
  return {
    kind: 'aufruf',
    coalitionName: 'Bündnis für Beispiele',
    title: `Gemeinsamer Aufruf ${next()}`,
    subtitle: '',
    place: 'Kleve',
    letterDate: '',
    reference: '',
    salutationOverride: '',
    body: 'Wir bitten Sie, **jetzt** zu handeln.',
    closing: 'Mit freundlichen Grüßen',
    contactName: 'Andrea Beispiel',
    contactFunction: 'Koordination',
    contactEmail: 'koordination@example.org',
    contactPhone: '02821 000000',
    ccLines: '',
    attachmentLines: '',
    listFirstSignatories: false,
    publicPage: false,
    ...overrides,
  };
}

/** An appeal as the edit form posts it (strings; unchecked boxes left out). */
export function appealFormFields(overrides: Partial<AppealInput> = {}): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(appealInput(overrides))) {
    if (value === false) continue;
    fields[key] = value === true ? 'on' : String(value);
  }
  return fields;
}

export function makeAppeal(db: Db, organiserId: number, overrides: Partial<AppealInput> = {}): Appeal {
  return createAppeal({ db, clock: systemClock, organiserId, input: appealInput(overrides) });
}

export async function makeSignatory(db: Db, fileStore: FileStore, appeal: Appeal, overrides: Partial<SignatoryInput['organisation'] & SignatoryInput['representative']> = {}) {
  const n = next();
  const added = await addFirstSignatory({
    db,
    clock: systemClock,
    fileStore,
    appeal,
    input: {
      organisation: {
        name: overrides.name ?? `Verband ${n} e.V.`,
        shortName: overrides.shortName ?? `V${n}`,
        website: overrides.website ?? '',
        address: overrides.address ?? '',
      },
      representative: {
        representativeName: overrides.representativeName ?? `Person ${n}`,
        representativeFunction: overrides.representativeFunction ?? 'Vorsitzende',
        representativeEmail: overrides.representativeEmail ?? `person${n}@example.org`,
      },
    },
  });
  if (!added.ok) throw new Error('signatory not added');
  return added.signatory;
}

export function makeList(db: Db, organiserId: number, overrides: Partial<ListValues> = {}): AddresseeList {
  return createList({
    db,
    clock: systemClock,
    organiserId,
    input: {
      name: `Liste ${next()}`,
      description: '',
      rank: 50,
      groupAddressLine: '',
      groupSalutation: '',
      groupInstitution: '',
      groupRecipient: '',
      groupStreet: '',
      groupPostcode: '',
      groupCity: '',
      groupEmail: '',
      ...overrides,
    },
  });
}

export function makeAddressee(db: Db, list: AddresseeList, overrides: Partial<AddresseeValues> = {}) {
  const n = next();
  return addEntry({
    db,
    clock: systemClock,
    list,
    input: {
      salutation: 'Frau',
      title: '',
      firstName: 'Anna',
      lastName: `Beispiel${n}`,
      function: 'Bürgermeisterin',
      institution: 'Stadt Beispiel',
      department: '',
      street: 'Markt 1',
      postcode: '47533',
      city: 'Kleve',
      email: `buergermeisterin${n}@example.org`,
      letterSalutation: '',
      verifiedAt: '',
      note: '',
      ...overrides,
    },
  });
}

/** Logs in through the real login form, as a browser would. */
export async function loginAs(agent: Agent, credentials: { email: string; password: string }) {
  const page = await agent.get('/login').expect(200);
  const response = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfToken(page.text), email: credentials.email, password: credentials.password, next: '/appeals' });
  if (response.status !== 303) throw new Error(`login failed with ${response.status}`);
  return response;
}

/** GETs a page, takes its CSRF token and POSTs the form fields to `action`. */
export async function submitForm(agent: Agent, pageUrl: string, action: string, fields: Record<string, string>) {
  const page = await agent.get(pageUrl);
  if (page.status !== 200) throw new Error(`GET ${pageUrl} answered ${page.status}`);
  return agent.post(action).type('form').send({ _csrf: csrfToken(page.text), ...fields });
}

export type FinalAppealOptions = {
  appeal?: Partial<AppealInput>;
  /** Short names of the organisations that sign (first signatories). */
  organisations?: string[];
  /** The addressees of one list (each one letter); default: two mayors with e-mail. */
  addressees?: Partial<AddresseeValues>[];
  /** Further lists addressed as a group (one collective letter each). */
  collectiveLists?: Partial<ListValues>[];
  /** Runs after everyone signed, just before finalising (e.g. to add supporters). */
  beforeFinalise?: (appeal: Appeal) => void;
};

/**
 * A final appeal through the real services: signatories, a list of addressees, opened for
 * signing, every first signatory signs (as through their link), finalised.
 */
export async function makeFinalAppeal(deps: { db: Db; fileStore: FileStore; config: Config }, organiserId: number, options: FinalAppealOptions = {}) {
  const { db, fileStore, config } = deps;
  const signingDeps = { db, clock: systemClock, config };
  let appeal = makeAppeal(db, organiserId, options.appeal);
  const signatories = [];
  for (const shortName of options.organisations ?? ['AWO', 'Caritas']) {
    signatories.push(await makeSignatory(db, fileStore, appeal, { shortName, name: `${shortName} Kreisverband Kleve e.V.` }));
  }
  const list = makeList(db, organiserId, { name: `Bürgermeister:innen ${next()}` });
  const addressees = (options.addressees ?? [{}, {}]).map((overrides) => makeAddressee(db, list, overrides));
  addListToAppeal({ db, organiserId, appeal, listId: list.id, collective: false });
  const groups = (options.collectiveLists ?? []).map((overrides) => {
    const group = makeList(db, organiserId, overrides);
    addListToAppeal({ db, organiserId, appeal, listId: group.id, collective: true });
    return group;
  });
  const opened = openForSigning({ ...signingDeps, appeal, actor: 'Test', deadline: '' });
  if (!opened.ok) throw new Error(`openForSigning: ${opened.error}`);
  const reload = () => db.select().from(appeals).where(eq(appeals.id, appeal.id)).get()!;
  for (const signatory of signatories) {
    const context = signingRepository(db).findSignatoryContext(signatory.signatory.id)!;
    const version = signingRepository(db).latestVersion(appeal.id)!;
    recordSignature({
      ...signingDeps,
      context,
      version,
      input: { representativeName: context.signatory.representativeName, representativeFunction: context.signatory.representativeFunction, kind: 'typed', consentPublic: true, consentLogo: true },
      signatureFile: null,
      ip: '127.0.0.1',
    });
  }
  options.beforeFinalise?.(reload());
  const finalised = finalise({ ...signingDeps, appeal: reload(), actor: 'Test', goAheadWithoutMissing: false });
  if (!finalised.ok) throw new Error(`finalise: ${finalised.error}`);
  appeal = reload();
  return { appeal, list, addressees, groups, signatories };
}
