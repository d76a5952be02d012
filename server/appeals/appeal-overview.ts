import type { Db } from '../db/client.ts';
import type { Appeal } from './appeals.table.ts';
import { listMembers } from './appeals.service.ts';
import { isLetterFinal } from './appeal-lifecycle.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { presentAppealFacts, presentLetterPreview, roleLabel } from './appeals.presenters.ts';

/**
 * The overview page's sections owned by the layers above appeals/ (signatories, addressees …),
 * keyed as the view reads them. The composition root passes this in (server/appeals-wiring.ts),
 * so that appeals/ does not import those folders.
 */
export type OverviewSections = (options: { appeal: Appeal }) => Record<string, unknown>;

/** Everything the overview page of an appeal shows: its own parts and the sections given. */
export function getAppealOverview({ db, appeal, sections }: { db: Db; appeal: Appeal; sections: OverviewSections }) {
  const given = sections({ appeal });
  return {
    facts: presentAppealFacts(appeal),
    preview: presentLetterPreview(appeal),
    members: listMembers({ db, appeal }).map((member) => ({ name: member.name, roleLabel: roleLabel(member.role) })),
    checklist: presentChecklist(appeal, { signatories: countOf(given.signatories), addresseeLists: countOf(given.addresseeLists) }),
    ...given,
  };
}

const countOf = (value: unknown) => (Array.isArray(value) ? value.length : 0);

type Step = { key: string; done: boolean; href: string };

/**
 * The way from an empty appeal to letters sent, with the state of each step and the next one
 * to take (the first not done), for a newcomer who does not yet know the order.
 */
export function presentChecklist(appeal: Pick<Appeal, 'slug' | 'body' | 'state'>, counts: { signatories: number; addresseeLists: number }) {
  const base = `/appeals/${appeal.slug}`;
  const steps: Step[] = [
    { key: 'text', done: appeal.body.trim() !== '', href: `${base}/edit` },
    { key: 'signatories', done: counts.signatories > 0, href: `${base}/signatories` },
    { key: 'addressees', done: counts.addresseeLists > 0, href: `${base}/addressees` },
    { key: 'open', done: appeal.state !== 'draft', href: `${base}/signing` },
    { key: 'finalise', done: isLetterFinal(appeal), href: `${base}/signing` },
    { key: 'send', done: appeal.state === 'sent', href: `${base}/dispatch` },
    // Answers keep coming after sending: the step stays open and is the next one once sent.
    { key: 'answers', done: false, href: `${base}/dispatch` },
  ];
  const next = steps.find((step) => !step.done);
  return {
    steps: steps.map((step) => ({
      label: t(`checklist.${step.key}` as MessageKey),
      state: step.done ? 'done' : step === next ? 'next' : 'open',
      stateLabel: t(step.done ? 'checklist.state.done' : step === next ? 'checklist.state.next' : 'checklist.state.open'),
      href: step.href,
    })),
    next: next ? { label: t(`checklist.action.${next.key}` as MessageKey), href: next.href } : null,
  };
}
