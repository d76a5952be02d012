// The organiser's side of supporters: the list with counts and filters, approving or
// rejecting organisations, moderating comments, and the chart's numbers.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import { conflict, notFound } from '../shared/app-error.ts';
import type { Clock } from '../shared/clock.ts';
import { readForm } from '../shared/form.ts';
import type { FormResult } from '../shared/form.ts';
import type { DecisionMailPayload } from './organisation.mails.ts';
import { supportersRepository } from './supporters.repository.ts';
import type { SupporterListFilter } from './supporters.repository.ts';
import { supporterKinds, supporterStates } from './supporters.table.ts';
import type { Supporter, SupporterKind, SupporterState } from './supporters.table.ts';

export const PAGE_SIZE = 100;
/** What the list can show: supporters of one kind in one state, or the comments to moderate. */
export const supporterFilters = [...supporterStates, 'comments'] as const;
export type SupporterFilter = (typeof supporterFilters)[number];
export type SupportersQuery = { filter: SupporterFilter; kind: SupporterKind; page: number };

export type SupporterCounts = Record<SupporterKind, Record<SupporterState, number>> & { pendingComments: number };

export function countSupporters({ db, appealId }: { db: Db; appealId: number }): SupporterCounts {
  const repository = supportersRepository(db);
  const empty = () => Object.fromEntries(supporterStates.map((state) => [state, 0])) as Record<SupporterState, number>;
  const counts = { citizen: empty(), organisation: empty(), pendingComments: repository.countPendingComments(appealId) };
  for (const row of repository.countByKindAndState(appealId)) counts[row.kind][row.state] = row.count;
  return counts;
}

/**
 * The list's choice from the query string. Without one: organisations awaiting approval when
 * there are any (that is the work to do), else the confirmed citizens; without a kind, the
 * kind the state is about.
 */
export function readSupportersQuery(query: unknown, counts: SupporterCounts): SupportersQuery {
  const source = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const filter = supporterFilters.find((candidate) => candidate === source.filter);
  const kind = supporterKinds.find((candidate) => candidate === source.kind);
  const page = Math.max(1, Math.min(1_000_000, Math.floor(Number(source.page)) || 1));
  const chosen = filter ?? (counts.organisation.awaiting_approval > 0 ? 'awaiting_approval' : 'confirmed');
  // Only organisations wait for approval or are rejected.
  const organisationsOnly = chosen === 'awaiting_approval' || chosen === 'rejected';
  return { filter: chosen, kind: kind ?? (organisationsOnly ? 'organisation' : 'citizen'), page };
}

export type SupportersPage = { counts: SupporterCounts; query: SupportersQuery; rows: Supporter[]; total: number; pages: number };

/** One page (PAGE_SIZE rows) of the chosen list; never more rows than that are read. */
export function loadSupportersPage({ db, appeal, query: raw }: { db: Db; appeal: Appeal; query: unknown }): SupportersPage {
  const counts = countSupporters({ db, appealId: appeal.id });
  const query = readSupportersQuery(raw, counts);
  const total = query.filter === 'comments' ? counts.pendingComments : counts[query.kind][query.filter];
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const filter: SupporterListFilter = query.filter === 'comments' ? { comments: 'pending' } : { kind: query.kind, state: query.filter };
  const rows = supportersRepository(db).listPage(appeal.id, filter, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  return { counts, query: { ...query, page }, rows, total, pages };
}

function findInAppeal({ db, appeal, supporterId }: { db: Db; appeal: Appeal; supporterId: number }): Supporter {
  const supporter = supportersRepository(db).findInAppeal(appeal.id, supporterId);
  if (!supporter) throw notFound();
  return supporter;
}

/** A supporter of this appeal for its own page (e.g. the reject form); another appeal's id is not found. */
export const findSupporter = findInAppeal;

type Decision = { db: Db; clock: Clock; appeal: Appeal; supporterId: number; actor: string };

function queueDecisionMail(db: Db, clock: Clock, appeal: Appeal, supporter: Supporter, kind: 'organisation-approved' | 'organisation-rejected') {
  if (!supporter.email) return;
  const payload: DecisionMailPayload = { supporterId: supporter.id };
  enqueueMail({
    db,
    clock,
    mail: { kind, payload, to: supporter.email, toName: `${supporter.firstName} ${supporter.lastName}`, ref: `supporter:${supporter.id}`, appealId: appeal.id },
  });
}

/** An organisation that confirmed its address is listed from now on; it is told by mail. */
export function approveOrganisation({ db, clock, appeal, supporterId, actor }: Decision): Supporter {
  return db.transaction((tx) => {
    const supporter = findInAppeal({ db: tx, appeal, supporterId });
    if (!supportersRepository(tx).approveOrganisation(supporter.id, clock())) throw conflict('supporters.notAwaiting');
    recordAudit({ db: tx, clock, appealId: appeal.id, actor, action: 'supporter_approved', detail: supporter.organisationName });
    queueDecisionMail(tx, clock, appeal, supporter, 'organisation-approved');
    return supporter;
  });
}

export function readRejectForm(body: unknown): FormResult<{ reason: string }> {
  const form = readForm(body);
  const reason = form.text('reason', { max: 2000 });
  if (reason === '') form.fail('reason', 'supporters.rejectReasonRequired');
  return form.result({ reason });
}

/** Rejected with a reason, which is stored and mailed to the representative. */
export function rejectOrganisation({ db, clock, appeal, supporterId, actor, reason }: Decision & { reason: string }): Supporter {
  return db.transaction((tx) => {
    const supporter = findInAppeal({ db: tx, appeal, supporterId });
    if (!supportersRepository(tx).rejectOrganisation(supporter.id, reason, clock())) throw conflict('supporters.notAwaiting');
    recordAudit({ db: tx, clock, appealId: appeal.id, actor, action: 'supporter_rejected', detail: `${supporter.organisationName}: ${reason}` });
    queueDecisionMail(tx, clock, appeal, supporter, 'organisation-rejected');
    return supporter;
  });
}

export type CommentDecision = 'approve' | 'hide';

export function readCommentDecision(body: unknown): CommentDecision | undefined {
  const value = (body as Record<string, unknown> | undefined)?.decision;
  return value === 'approve' || value === 'hide' ? value : undefined;
}

/** A comment is shown on the public page only once approved; hidden ones stay stored for the organisers. */
export function moderateComment({ db, appeal, supporterId, decision }: { db: Db; appeal: Appeal; supporterId: number; decision: CommentDecision | undefined }): 'approved' | 'hidden' {
  const supporter = findInAppeal({ db, appeal, supporterId });
  if (!decision) throw conflict('form.invalidChoice');
  const state = decision === 'approve' ? 'approved' : 'hidden';
  if (!supportersRepository(db).setCommentState(supporter.id, state)) throw conflict('supporters.noComment');
  return state;
}

/** Confirmed citizens per day for the last `days` days up to today (UTC, as the triggers count), gaps as 0. */
export function signaturesPerDay({ db, clock, appealId, days = 30 }: { db: Db; clock: Clock; appealId: number; days?: number }): { day: string; count: number }[] {
  const today = clock();
  const dayList = Array.from({ length: days }, (_, index) => new Date(today.getTime() - (days - 1 - index) * 86_400_000).toISOString().slice(0, 10));
  const counted = new Map(supportersRepository(db).daysFrom(appealId, dayList[0]!).map((row) => [row.day, row.citizens]));
  return dayList.map((day) => ({ day, count: counted.get(day) ?? 0 }));
}

/** An export is recorded in the appeal's trail (who took which personal data, when). */
export function recordSupportersExport({ db, clock, appeal, actor, format }: { db: Db; clock: Clock; appeal: Appeal; actor: string; format: 'csv' | 'xlsx' }): void {
  recordAudit({ db, clock, appealId: appeal.id, actor, action: 'supporters_exported', detail: format.toUpperCase() });
}
