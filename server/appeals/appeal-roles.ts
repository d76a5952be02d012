// The roles an organiser can have on an appeal, and what a role includes. A rule of its own
// (like appeal-lifecycle.ts), so presenters, services and the access plugin share it.
import type { Role } from './appeals.table.ts';

const roleRank: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

/** A role includes every smaller one: an owner may do what an editor may. */
export function hasRole(role: Role, needed: Role): boolean {
  return roleRank[role] >= roleRank[needed];
}
