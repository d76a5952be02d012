import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatIsoDate } from '../shared/dates.ts';
import { selectOptions } from '../shared/form-view.ts';
import type { Addressee, AddresseeList } from './addressees.table.ts';
import type { ListAccess } from './addressees.service.ts';

export const accessLabel = (access: ListAccess) => t(`lists.access.${access}` as MessageKey);

export const salutationOptions = (current: string) =>
  selectOptions(
    [
      { value: '', label: t('addressee.salutation.none') },
      { value: 'Frau', label: 'Frau' },
      { value: 'Herr', label: 'Herr' },
    ],
    current,
  );

export function presentList(list: AddresseeList, access: ListAccess, entryCount: number) {
  return {
    id: list.id,
    name: list.name,
    description: list.description,
    entryCount,
    access,
    accessLabel: accessLabel(access),
    canEditEntries: access !== 'viewer',
    canEditList: access === 'owner',
    groupAddressLine: list.groupAddressLine,
    groupSalutation: list.groupSalutation,
    groupAddress: [list.groupInstitution, list.groupRecipient, list.groupStreet, [list.groupPostcode, list.groupCity].filter(Boolean).join(' ')]
      .filter(Boolean)
      .join(', '),
    groupEmail: list.groupEmail,
  };
}

export function presentEntry(entry: Addressee) {
  return {
    id: entry.id,
    name: [entry.salutation, entry.title, entry.firstName, entry.lastName].filter(Boolean).join(' '),
    function: entry.function,
    institution: [entry.institution, entry.department].filter(Boolean).join(', '),
    address: [entry.street, [entry.postcode, entry.city].filter(Boolean).join(' ')].filter(Boolean).join(', '),
    email: entry.email,
    verifiedAt: entry.verifiedAt ? formatIsoDate(entry.verifiedAt) : '',
    note: entry.note,
  };
}

export function entryFormValues(entry: Addressee): Record<string, string> {
  const { id: _id, listId: _listId, createdAt: _createdAt, updatedAt: _updatedAt, ...values } = entry;
  return values;
}

export function listFormValues(list: AddresseeList): Record<string, string> {
  const { id: _id, ownerId: _ownerId, createdAt: _createdAt, rank, ...values } = list;
  return { ...values, rank: String(rank) };
}
