import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { createOrganiser, findOrganiserByEmail } from '../organisers/organisers.service.ts';
import { appealExists, createAppeal } from '../appeals/appeals.service.ts';
import { addEntry, addListToAppeal, createList, findOwnListByName } from '../addressees/addressees.service.ts';
import { addFirstSignatory } from '../signatories/signatories.service.ts';
import { placeholderLogo } from '../signatories/logos.ts';
import { demoAppeals, demoLists, demoOrganiser } from './demo-content.ts';

export type SeedDemoResult = {
  /** Set only when the demo organiser was created just now. */
  organiser?: { email: string; password: string; generated: boolean };
  createdLists: string[];
  createdAppeals: string[];
};

/**
 * Seeds the Kreis Kleve demo. Idempotent: the organiser, each list (by name) and each appeal
 * (by slug) is created only when it does not exist yet.
 */
export async function seedDemo({
  db,
  clock,
  fileStore,
  demoPassword,
}: {
  db: Db;
  clock: Clock;
  fileStore: FileStore;
  demoPassword?: string;
}): Promise<SeedDemoResult> {
  const result: SeedDemoResult = { createdLists: [], createdAppeals: [] };

  let organiser = findOrganiserByEmail({ db, email: demoOrganiser.email });
  if (!organiser) {
    const password = demoPassword ?? randomBytes(12).toString('base64url');
    const created = await createOrganiser({ db, clock, input: { ...demoOrganiser, password } });
    if (!created.ok) throw new Error('The demo organiser could not be created.');
    organiser = created.organiser;
    result.organiser = { email: demoOrganiser.email, password, generated: demoPassword === undefined };
  }
  const organiserId = organiser.id;

  const listIds = new Map<string, number>();
  for (const demo of demoLists) {
    const existing = findOwnListByName({ db, organiserId, name: demo.list.name });
    if (existing) {
      listIds.set(demo.key, existing.id);
      continue;
    }
    const list = db.transaction((tx) => {
      const created = createList({ db: tx, clock, organiserId, input: demo.list });
      for (const values of demo.entries) addEntry({ db: tx, clock, list: created, input: values });
      return created;
    });
    listIds.set(demo.key, list.id);
    result.createdLists.push(list.name);
  }

  for (const demo of demoAppeals) {
    if (appealExists({ db, slug: demo.slug })) continue;
    const appeal = createAppeal({ db, clock, organiserId, input: demo.input, slug: demo.slug });
    for (const signatory of demo.signatories) {
      const png = await placeholderLogo(signatory.organisation.shortName);
      const logo = { filename: 'logo.png', mimetype: 'image/png', size: png.length, bytes: png, tooLarge: false };
      const added = await addFirstSignatory({ db, clock, fileStore, appeal, input: signatory, logo });
      if (!added.ok) throw new Error(`Demo signatory ${signatory.organisation.name} could not be added.`);
    }
    for (const { key, collective } of demo.lists) {
      const listId = listIds.get(key);
      if (listId !== undefined) addListToAppeal({ db, organiserId, appeal, listId, collective });
    }
    result.createdAppeals.push(demo.slug);
  }
  return result;
}
