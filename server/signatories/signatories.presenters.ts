import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { SignatoryWithOrganisation } from './signatories.repository.ts';
import type { SignatoryStatus } from './signatories.table.ts';

export const statusLabel = (status: SignatoryStatus) => t(`signatory.status.${status}` as MessageKey);

export const logoUrl = (logoFile: string | null) => (logoFile ? `/logos/${logoFile}` : null);

export function presentSignatory({ signatory, organisation }: SignatoryWithOrganisation, index: number, count: number) {
  return {
    id: signatory.id,
    position: index + 1,
    organisationName: organisation.name,
    shortName: organisation.shortName,
    website: organisation.website,
    addressLines: organisation.address.split('\n').filter(Boolean),
    logoUrl: logoUrl(organisation.logoFile),
    representativeName: signatory.representativeName,
    representativeFunction: signatory.representativeFunction,
    representativeEmail: signatory.representativeEmail,
    status: signatory.status,
    statusLabel: statusLabel(signatory.status),
    canMoveUp: index > 0,
    canMoveDown: index < count - 1,
  };
}

export function presentSignatories(list: SignatoryWithOrganisation[]) {
  return list.map((entry, index) => presentSignatory(entry, index, list.length));
}

/** Form values of an existing signatory (edit page). */
export function signatoryFormValues({ signatory, organisation }: SignatoryWithOrganisation): Record<string, string> {
  return {
    organisationName: organisation.name,
    shortName: organisation.shortName,
    website: organisation.website,
    address: organisation.address,
    representativeName: signatory.representativeName,
    representativeFunction: signatory.representativeFunction,
    representativeEmail: signatory.representativeEmail,
  };
}
