import type { Db } from '../db/client.ts';
import type { Appeal } from './appeals.table.ts';
import { listMembers } from './appeals.service.ts';
import { presentAppealFacts, presentLetterPreview, roleLabel } from './appeals.presenters.ts';

/**
 * The overview page's sections owned by the layers above appeals/ (signatories, addressees …),
 * keyed as the view reads them. The composition root passes this in (server/appeals-wiring.ts),
 * so that appeals/ does not import those folders.
 */
export type OverviewSections = (options: { appeal: Appeal }) => Record<string, unknown>;

/** Everything the overview page of an appeal shows: its own parts and the sections given. */
export function getAppealOverview({ db, appeal, sections }: { db: Db; appeal: Appeal; sections: OverviewSections }) {
  return {
    facts: presentAppealFacts(appeal),
    preview: presentLetterPreview(appeal),
    members: listMembers({ db, appeal }).map((member) => ({ name: member.name, roleLabel: roleLabel(member.role) })),
    ...sections({ appeal }),
  };
}
