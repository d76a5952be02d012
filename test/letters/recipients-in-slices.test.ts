// The letters page, the ZIP and the print file read an appeal's addressees a thousand at a time
// (the event loop answers other requests in between): the same letters, in the same order, as
// reading them at once — also where institutions and names repeat across a page boundary.
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import { makeAddressee, makeAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';
import { addListToAppeal, listEntries, listEntryPages } from '../../server/addressees/addressees.service.ts';
import { buildRecipients, buildRecipientsInSlices } from '../../server/letters/recipients.ts';

describe('recipients read in slices', () => {
  it('are the recipients read at once, in the same order, across page boundaries with equal names', async () => {
    const { db } = createTestDatabase();
    const { organiser } = await makeOrganiser(db);
    const appeal = makeAppeal(db, organiser.id);
    const big = makeList(db, organiser.id, { name: 'Gemeinden' });
    // 2,500 entries: three pages; many share institution and last name, so the order falls back to the id.
    for (let i = 0; i < 2500; i += 1) makeAddressee(db, big, { institution: `Gemeinde ${i % 7}`, lastName: i % 3 === 0 ? 'Hülsmann' : `Name ${i % 11}` });
    const group = makeList(db, organiser.id, { name: 'Kreistag', groupInstitution: 'Kreis Kleve', groupRecipient: 'Mitglieder des Kreistages', groupEmail: 'kreistag@kreis-kleve.example' });
    addListToAppeal({ db, organiserId: organiser.id, appeal, listId: big.id, collective: false });
    addListToAppeal({ db, organiserId: organiser.id, appeal, listId: group.id, collective: true });

    const pages: number[][] = [];
    for await (const page of listEntryPages({ db, list: big, pageSize: 1000 })) pages.push(page.map((entry) => entry.id));
    expect(pages.map((page) => page.length)).toEqual([1000, 1000, 500]);
    expect(pages.flat()).toEqual(listEntries({ db, list: big }).map((entry) => entry.id));

    const sliced = await buildRecipientsInSlices({ db, appeal });
    expect(sliced).toEqual(buildRecipients({ db, appeal }));
    expect(sliced.personal).toHaveLength(2501);
  });
});
