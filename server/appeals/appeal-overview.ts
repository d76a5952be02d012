import type { Db } from '../db/client.ts';
import { appealAddresseeLists } from '../addressees/addressees.service.ts';
import { listSignatories } from '../signatories/signatories.service.ts';
import { presentSignatories } from '../signatories/signatories.presenters.ts';
import { listMembers } from './appeals.service.ts';
import { presentAppealFacts, presentLetterPreview, roleLabel } from './appeals.presenters.ts';
import type { Appeal } from './appeals.table.ts';

/** Everything the overview page of an appeal shows, gathered from the modules that own it. */
export function getAppealOverview({ db, appeal }: { db: Db; appeal: Appeal }) {
  const signatories = presentSignatories(listSignatories({ db, appeal }));
  const lists = appealAddresseeLists({ db, appeal });
  return {
    facts: presentAppealFacts(appeal),
    preview: presentLetterPreview(appeal),
    signatories,
    addresseeLists: lists.map(({ list, collective, entryCount }) => ({ name: list.name, collective, entryCount })),
    letterCount: lists.reduce((sum, entry) => sum + (entry.collective ? 1 : entry.entryCount), 0),
    members: listMembers({ db, appeal }).map((member) => ({ name: member.name, roleLabel: roleLabel(member.role) })),
  };
}
