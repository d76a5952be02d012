// The operator's page: who uses the installation (accounts, appeals with owners and states) and
// whether mail goes out. An appeal's content stays with its team: the operator sees its title,
// coalition, owners and state, and opens it only when on its team.
import type { Db } from '../db/client.ts';
import { getOutboxStatus } from '../mail/mail.service.ts';
import { hasSecondFactor } from '../organisers/two-factor.service.ts';
import { listOrganisers } from '../organisers/organisers.service.ts';
import type { Organiser } from '../organisers/organisers.table.ts';
import { adminRepository } from './admin.repository.ts';

export const isAdmin = (organiser: Pick<Organiser, 'isAdmin' | 'disabledAt'> | null): boolean => Boolean(organiser?.isAdmin && !organiser.disabledAt);

export function loadAdminOverview({ db, viewer }: { db: Db; viewer: Organiser }) {
  const repository = adminRepository(db);
  const owners = repository.listOwners();
  const onTeam = new Set(repository.appealIdsOf(viewer.id));
  const appeals = repository.listAppeals().map((appeal) => ({
    ...appeal,
    owners: owners.filter((owner) => owner.appealId === appeal.id).map(({ name, email }) => ({ name, email })),
    onTeam: onTeam.has(appeal.id),
  }));
  const organisers = listOrganisers({ db }).map((organiser) => ({
    id: organiser.id,
    name: organiser.name,
    email: organiser.email,
    createdAt: organiser.createdAt,
    isAdmin: organiser.isAdmin,
    disabled: organiser.disabledAt !== null,
    secondFactor: hasSecondFactor(organiser),
    self: organiser.id === viewer.id,
  }));
  const outbox = getOutboxStatus({ db });
  const lastProblem = outbox.problems.reduce<(typeof outbox.problems)[number] | undefined>((newest, row) => (!newest || row.updatedAt > newest.updatedAt ? row : newest), undefined);
  return {
    organisers,
    appeals,
    mail: {
      counts: outbox.counts,
      pause: outbox.pause,
      // Only the mail server's answer, with addresses cut out: the recipients are other coalitions' business.
      lastError: lastProblem ? { at: lastProblem.updatedAt, text: lastProblem.lastError.replace(/[^\s<>@]+@[^\s<>@]+/g, '[…]') } : null,
    },
  };
}
