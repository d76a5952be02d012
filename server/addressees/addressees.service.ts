import type { Db } from '../db/client.ts';
import { mayChangeAddressees } from '../appeals/appeal-lifecycle.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Clock } from '../shared/clock.ts';
import { conflict, forbidden, notFound } from '../shared/app-error.ts';
import { readForm } from '../shared/form.ts';
import type { FormResult } from '../shared/form.ts';
import { addresseesRepository } from './addressees.repository.ts';
import { addressBlock, overlongAddressLines } from './forms-of-address.ts';
import type { AddresseeValues, ListValues } from './addressees.repository.ts';
import { salutations } from './addressees.table.ts';
import type { Addressee, AddresseeList } from './addressees.table.ts';

/**
 * Lists belong to the organiser who made them. Organisers who work on an appeal that uses a
 * list may see it (viewers) or correct its entries (editors, owners); only the list's owner
 * changes its settings, deletes it, attaches it to an appeal or detaches it. Other coalitions
 * never see it.
 *
 * Access through an appeal is derived on every request from the current memberships (nothing
 * is copied): removed from a team, an organiser loses at once what they reached through it.
 * Because only the owner attaches a list, access through an appeal cannot be passed on: an
 * editor cannot attach a list of their team to an appeal of their own and invite others there.
 */
export type ListAccess = 'owner' | 'editor' | 'viewer';

const accessRank: Record<ListAccess, number> = { viewer: 1, editor: 2, owner: 3 };

function accessFromAppealRoles(roles: string[]): ListAccess | undefined {
  if (roles.some((role) => role === 'owner' || role === 'editor')) return 'editor';
  if (roles.includes('viewer')) return 'viewer';
  return undefined;
}

export function listAccessibleLists({ db, organiserId }: { db: Db; organiserId: number }) {
  const repository = addresseesRepository(db);
  const owned = new Set(repository.listIdsOwnedBy(organiserId));
  const rolesByList = new Map<number, string[]>();
  for (const { listId, role } of repository.appealRolesForLists(organiserId)) {
    rolesByList.set(listId, [...(rolesByList.get(listId) ?? []), role]);
  }
  const ids = [...new Set([...owned, ...rolesByList.keys()])];
  const counts = repository.countEntries(ids);
  return repository.listsByIds(ids).map((list) => ({
    list,
    access: (owned.has(list.id) ? 'owner' : accessFromAppealRoles(rolesByList.get(list.id) ?? [])) as ListAccess,
    entryCount: counts.get(list.id) ?? 0,
  }));
}

/** The list with the organiser's access to it; 404 without access, 403 with too little. */
export function getList({ db, organiserId, listId, need }: { db: Db; organiserId: number; listId: number; need: ListAccess }) {
  const repository = addresseesRepository(db);
  const list = repository.findList(listId);
  if (!list) throw notFound();
  const access: ListAccess | undefined =
    list.ownerId === organiserId
      ? 'owner'
      : accessFromAppealRoles(repository.appealRolesForLists(organiserId, [listId]).map((row) => row.role));
  if (!access) throw notFound();
  if (accessRank[access] < accessRank[need]) throw forbidden();
  return { list, access };
}

/** One of the organiser's own lists by its exact name (CLI, demo seeding). */
export function findOwnListByName({ db, organiserId, name }: { db: Db; organiserId: number; name: string }) {
  return addresseesRepository(db).findListByName(organiserId, name);
}

/** Lists of any organiser with this exact name (the CLI picks one, or asks for --owner). */
export function findListsByName({ db, name }: { db: Db; name: string }): AddresseeList[] {
  return addresseesRepository(db).listsByName(name);
}

export function listEntries({ db, list }: { db: Db; list: AddresseeList }): Addressee[] {
  return addresseesRepository(db).entries(list.id);
}

/**
 * The entries of listEntries() a page at a time, the event loop free between pages: a list of
 * 10,000 read at once held it for about 70 ms, and building letters from them for as long again.
 */
export async function* listEntryPages({ db, list, pageSize = 1000 }: { db: Db; list: AddresseeList; pageSize?: number }): AsyncGenerator<Addressee[]> {
  let after: Addressee | null = null;
  for (;;) {
    const page = addresseesRepository(db).entriesAfter(list.id, after, pageSize);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page.at(-1)!;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function readListForm(body: unknown): FormResult<ListValues> {
  const form = readForm(body);
  const rankText = form.line('rank', { max: 3 });
  const rank = rankText === '' ? 50 : Number(rankText);
  if (!Number.isInteger(rank) || rank < 1 || rank > 999) form.fail('rank', 'lists.invalidRank');
  return form.result({
    name: form.line('name', { required: true, max: 120 }),
    description: form.text('description', { max: 1000 }),
    rank: Number.isInteger(rank) ? rank : 50,
    groupAddressLine: form.line('groupAddressLine', { max: 200 }),
    groupSalutation: form.line('groupSalutation', { max: 200 }),
    groupInstitution: form.line('groupInstitution', { max: 120 }),
    groupRecipient: form.line('groupRecipient', { max: 120 }),
    groupStreet: form.line('groupStreet', { max: 120 }),
    groupPostcode: form.line('groupPostcode', { max: 10 }),
    groupCity: form.line('groupCity', { max: 80 }),
    groupEmail: form.email('groupEmail'),
  });
}

export function createList({ db, clock, organiserId, input }: { db: Db; clock: Clock; organiserId: number; input: ListValues }) {
  return addresseesRepository(db).insertList({ ...input, ownerId: organiserId, createdAt: clock() });
}

export function updateList({ db, list, input }: { db: Db; list: AddresseeList; input: ListValues }) {
  addresseesRepository(db).updateList(list.id, input);
}

/** What deleting a list would take with it, for the confirmation page: its entries, and how many appeals still use it (then it cannot be deleted). */
export function listDeletionImpact({ db, list }: { db: Db; list: AddresseeList }): { entries: number; usedBy: number } {
  const repository = addresseesRepository(db);
  return { entries: repository.countEntries([list.id]).get(list.id) ?? 0, usedBy: repository.appealsUsingList(list.id).length };
}

/** Deletes a list that no appeal uses (a used list would take the appeal's addressees with it). */
export function deleteList({ db, list }: { db: Db; list: AddresseeList }) {
  const repository = addresseesRepository(db);
  // The count only: a title could be another coalition's.
  const usedBy = repository.appealsUsingList(list.id);
  if (usedBy.length > 0) throw conflict('lists.inUseCount', { count: usedBy.length });
  repository.deleteList(list.id);
}

export const directoryFilters = ['all', 'problems', 'unverified', 'noEmail'] as const;
export type DirectoryFilter = (typeof directoryFilters)[number];
export const DIRECTORY_PAGE_SIZE = 200;

/** A "?" inside a name: typically a letter (ł, ğ, ş) lost when the list was saved as Windows-1252 CSV. */
export const hasLostCharacter = (entry: Pick<Addressee, 'title' | 'firstName' | 'lastName' | 'institution'>) =>
  /\?/.test(`${entry.title}${entry.firstName}${entry.lastName}${entry.institution}`);

/** Whether an entry needs a look: an address line wider than the letter's 80 mm, no e-mail address or a "?" in a name. */
export function entryHasProblems(entry: Addressee): boolean {
  return entry.email === '' || hasLostCharacter(entry) || overlongAddressLines(addressBlock(entry)).length > 0;
}

const searchable = (entry: Addressee) =>
  [entry.title, entry.firstName, entry.lastName, entry.function, entry.institution, entry.department, entry.street, entry.postcode, entry.city, entry.email, entry.note]
    .join(' ')
    .toLowerCase();

/**
 * The entries of a list that match a search (every word must occur in name, office,
 * institution, address or e-mail) and a filter; at most `limit` of them, with the totals.
 */
export function searchEntries({ db, list, query, filter, limit = DIRECTORY_PAGE_SIZE }: { db: Db; list: AddresseeList; query: string; filter: DirectoryFilter; limit?: number }) {
  const all = addresseesRepository(db).entries(list.id);
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = all.filter((entry) => {
    if (words.length > 0) {
      const text = searchable(entry);
      if (!words.every((word) => text.includes(word))) return false;
    }
    if (filter === 'unverified') return entry.verifiedAt === '';
    if (filter === 'noEmail') return entry.email === '';
    if (filter === 'problems') return entryHasProblems(entry);
    return true;
  });
  return { entries: matches.slice(0, limit), matched: matches.length, total: all.length };
}

/** Records that the entry was checked against an official source today. */
export function markVerified({ db, clock, entry, today }: { db: Db; clock: Clock; entry: Addressee; today: string }) {
  addresseesRepository(db).updateEntryFields(entry.listId, entry.id, { verifiedAt: today }, clock());
}

export function readAddresseeForm(body: unknown): FormResult<AddresseeValues> {
  const form = readForm(body);
  const values: AddresseeValues = {
    salutation: form.choice('salutation', salutations, ''),
    title: form.line('title', { max: 60 }),
    firstName: form.line('firstName', { max: 80 }),
    lastName: form.line('lastName', { max: 80 }),
    function: form.line('function', { max: 160 }),
    institution: form.line('institution', { max: 160 }),
    department: form.line('department', { max: 160 }),
    street: form.line('street', { max: 120 }),
    postcode: form.line('postcode', { max: 10 }),
    city: form.line('city', { max: 80 }),
    email: form.email('email'),
    letterSalutation: form.line('letterSalutation', { max: 200 }),
    verifiedAt: form.date('verifiedAt'),
    note: form.line('note', { max: 300 }),
  };
  if (values.lastName === '' && values.institution === '') form.fail('lastName', 'addressee.nameOrInstitution');
  return form.result(values);
}

export function findEntry({ db, list, addresseeId }: { db: Db; list: AddresseeList; addresseeId: number }): Addressee {
  const entry = addresseesRepository(db).findEntry(list.id, addresseeId);
  if (!entry) throw notFound();
  return entry;
}

export function addEntry({ db, clock, list, input }: { db: Db; clock: Clock; list: AddresseeList; input: AddresseeValues }) {
  return addresseesRepository(db).insertEntry(list.id, input, clock());
}

export function updateEntry({ db, clock, entry, input }: { db: Db; clock: Clock; entry: Addressee; input: AddresseeValues }) {
  addresseesRepository(db).updateEntry(entry.id, input, clock());
}

export function deleteEntry({ db, entry }: { db: Db; entry: Addressee }) {
  addresseesRepository(db).deleteEntry(entry.id);
}

/** The lists an appeal is addressed to, with their size. */
export function appealAddresseeLists({ db, appeal }: { db: Db; appeal: Appeal }) {
  const repository = addresseesRepository(db);
  const chosen = repository.appealLists(appeal.id);
  const counts = repository.countEntries(chosen.map((entry) => entry.list.id));
  return chosen.map((entry) => ({ ...entry, entryCount: counts.get(entry.list.id) ?? 0 }));
}

function assertAddresseesEditable(appeal: Appeal) {
  if (!mayChangeAddressees(appeal)) throw conflict('appealAddressees.locked');
}

export function addListToAppeal({
  db,
  organiserId,
  appeal,
  listId,
  collective,
}: {
  db: Db;
  organiserId: number;
  appeal: Appeal;
  listId: number;
  collective: boolean;
}) {
  assertAddresseesEditable(appeal);
  const repository = addresseesRepository(db);
  // No access at all: 404 (getList). Changing "one letter to the group" of a list the appeal
  // already uses is the appeal's choice; adding a list needs the list's own right: its owner.
  const { list, access } = getList({ db, organiserId, listId, need: 'viewer' });
  if (access !== 'owner' && !repository.isAppealList(appeal.id, list.id)) throw forbidden('appealAddressees.onlyOwnerAttaches');
  repository.addAppealList(appeal.id, list.id, collective);
  return list;
}

export function removeListFromAppeal({ db, appeal, listId }: { db: Db; appeal: Appeal; listId: number }) {
  assertAddresseesEditable(appeal);
  addresseesRepository(db).removeAppealList(appeal.id, listId);
}

export type ListUse = {
  appealId: number;
  /** The appeal's title and address only when the organiser is in its team; otherwise null. */
  title: string | null;
  slug: string | null;
  /** Whether its addressees may still change (not yet sending). */
  detachable: boolean;
};

/**
 * Where a list is used, as its owner may know it: every appeal that uses it, named only if
 * the organiser is in that appeal's team (another coalition's appeal stays anonymous).
 */
export function listUsage({ db, list, organiserId }: { db: Db; list: AddresseeList; organiserId: number }): ListUse[] {
  return addresseesRepository(db)
    .appealsUsingListFor(list.id, organiserId)
    .map(({ appeal, role }) => ({
      appealId: appeal.id,
      title: role ? appeal.title : null,
      slug: role ? appeal.slug : null,
      detachable: mayChangeAddressees(appeal),
    }));
}

/**
 * The list's owner takes it out of an appeal (also one of another team, e.g. after the list
 * was attached there by someone who has left): its letters no longer go to the list. Not
 * once the appeal is being sent; what was sent stays recorded.
 */
export function detachListFromAppeal({ db, list, appealId }: { db: Db; list: AddresseeList; appealId: number }): void {
  const repository = addresseesRepository(db);
  const use = repository.appealsUsingListFor(list.id, list.ownerId).find((entry) => entry.appeal.id === appealId);
  if (!use) throw notFound();
  if (!mayChangeAddressees(use.appeal)) throw conflict('lists.detachLocked');
  repository.removeAppealList(appealId, list.id);
}
