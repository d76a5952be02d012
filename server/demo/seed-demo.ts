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
import { demoSignatureImage, demoSigning } from './demo-signing.ts';
import type { DemoSigning } from './demo-signing.ts';
import { DEMO_SUPPORTERS_SLUG, seedDemoSupporters } from './demo-supporters.ts';
import { DEMO_SENT_SLUG, demoSentAppeal, demoSentSigning, seedDemoReplies } from './demo-replies.ts';
import type { Config } from '../config.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { listSignatories } from '../signatories/signatories.service.ts';
import { finalise, openForSigning } from '../signing/signing-organiser.service.ts';
import { recordDecline, recordSignature } from '../signing/signing-representative.service.ts';
import type { SigningDeps } from '../signing/signing.service.ts';
import { organiserActor } from '../organisers/organiser-actor.ts';
import { currentVersionOf } from '../signing/versions.ts';

export type SeedDemoResult = {
  /** Set only when the demo organiser was created just now. */
  organiser?: { email: string; password: string; generated: boolean };
  createdLists: string[];
  createdAppeals: string[];
  /** Supporter rows seeded for the Kleve appeal (0 when it existed already). */
  demoSupporters: number;
};

/**
 * Seeds the Kreis Kleve demo. Idempotent: the organiser, each list (by name) and each appeal
 * (by slug) is created only when it does not exist yet.
 */
export async function seedDemo({
  db,
  clock,
  fileStore,
  config,
  demoPassword,
  sentAppeal = false,
}: {
  db: Db;
  clock: Clock;
  fileStore: FileStore;
  config: Config;
  demoPassword?: string;
  /** Also the sent Antrag with its answers (sends its letters to .eml files: slower, so only where someone looks at it). */
  sentAppeal?: boolean;
}): Promise<SeedDemoResult> {
  const result: SeedDemoResult = { createdLists: [], createdAppeals: [], demoSupporters: 0 };

  let organiser = findOrganiserByEmail({ db, email: demoOrganiser.email });
  if (!organiser) {
    const password = demoPassword ?? randomBytes(12).toString('base64url');
    // The demo's organiser is also the installation's operator (/admin), as the first account on /setup would be.
    const created = await createOrganiser({ db, clock, input: { ...demoOrganiser, password }, isAdmin: true });
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

  for (const demo of sentAppeal ? [...demoAppeals, demoSentAppeal] : demoAppeals) {
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
    const signing = demo.slug === DEMO_SENT_SLUG ? demoSentSigning : demoSigning[demo.slug];
    if (signing) await playSigning({ db, clock, config, fileStore, draft: appeal, signing });
    if (demo.slug === DEMO_SUPPORTERS_SLUG) result.demoSupporters = await seedDemoSupporters({ db, clock, fileStore, appeal });
    // A sent Antrag with a reply, a bounce and an auto-reply (server/replies/).
    if (demo.slug === DEMO_SENT_SLUG) await seedDemoReplies({ db, clock, config, appeal });
    result.createdAppeals.push(demo.slug);
  }
  return result;
}

/** Takes a demo appeal through the real co-signing services as far as `signing` says. */
async function playSigning({ draft, signing, ...deps }: SigningDeps & { fileStore: FileStore; draft: Appeal; signing: DemoSigning }) {
  const actor = organiserActor(demoOrganiser);
  const opened = openForSigning({ ...deps, appeal: draft, actor, deadline: signing.deadline });
  if (!opened.ok) throw new Error(`Demo appeal ${draft.slug} could not be opened for signing.`);
  const appeal = { ...draft, state: 'signing' as const };
  const version = currentVersionOf({ db: deps.db, appeal })!;
  const entries = listSignatories({ db: deps.db, appeal });
  for (const [index, answer] of signing.answers.entries()) {
    const entry = entries[index];
    if (!entry || answer.kind === 'open') continue;
    const context = { ...entry, appeal };
    if (answer.kind === 'declined') {
      recordDecline({ ...deps, context, version, reason: answer.reason, ip: '' });
      continue;
    }
    const signatureFile =
      answer.kind === 'drawn' ? deps.fileStore.write('signatures', await demoSignatureImage(entry.signatory.representativeName), 'png') : null;
    const input = {
      representativeName: entry.signatory.representativeName,
      representativeFunction: entry.signatory.representativeFunction,
      kind: answer.kind,
      consentPublic: true,
      consentLogo: true,
    };
    deps.db.transaction((tx) => recordSignature({ ...deps, db: tx, context, version, input, signatureFile, ip: '' }));
  }
  if (signing.state === 'final') {
    const done = finalise({ ...deps, appeal, actor, goAheadWithoutMissing: false });
    if (!done.ok) throw new Error(`Demo appeal ${draft.slug} could not be finalised.`);
  }
}
