import { parseArgs } from 'node:util';
import { mayStartSending } from '../appeals/appeal-lifecycle.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { CliError } from '../cli/cli-context.ts';
import type { CliCommand, CliContext } from '../cli/cli-context.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Db } from '../db/client.ts';
import { formatDateTime } from '../shared/dates.ts';
import { letterSubject, signingOrganisations } from './letter-subject.ts';
import { deliveriesInStates, dispatchStatus, planDispatch, startDispatch } from './dispatch.service.ts';
import type { DispatchStatus } from './dispatch.service.ts';

/** Exit codes: 0 all sent (or by post), 3 not finished (paused or retries pending), 4 finished with letters that need a decision. */
export const SEND_EXIT = { done: 0, unfinished: 3, problems: 4 } as const;

function findAppeal(db: Db, slug: string): Appeal {
  const appeal = appealsRepository(db).findBySlug(slug);
  if (!appeal) throw new CliError(`No appeal with the slug "${slug}".`);
  return appeal;
}

function dryRun(context: CliContext, db: Db, appeal: Appeal): number {
  const { config, print } = context;
  const plan = planDispatch({ db, appeal });
  const status = dispatchStatus({ db, clock: context.clock, appeal });
  print(`Appeal "${appeal.title}" (${appeal.slug}), state ${appeal.state}.`);
  if (!mayStartSending(appeal) && !status) print(`Would NOT send: only a final appeal can be sent (this one is ${appeal.state}).`);
  if (status) print(`Already dispatched on ${formatDateTime(status.dispatch.createdAt)}; running "send" again only continues that dispatch.`);
  print(`From:     ${appeal.coalitionName} <${config.mail.from.address}>`);
  print(`Reply-To: ${appeal.contactEmail ? `${appeal.contactName} <${appeal.contactEmail}>` : '(none: the appeal has no contact e-mail)'}`);
  print(`Subject:  ${letterSubject(appeal, signingOrganisations({ db, appeal }))}`);
  print(`Via:      ${config.mail.smtp ? config.mail.smtp.displayUrl : `.eml files in ${config.mail.dir} (no SMTP_URL)`}`);
  for (const entry of plan.all) {
    const where = entry.channel === 'email' ? `<${entry.email}>` : entry.channel === 'post' ? `by post: ${entry.recipient.addressLines.join(', ')}` : `SKIPPED, invalid e-mail address "${entry.email}"`;
    print(`  ${entry.channel.padEnd(7)} ${entry.recipient.label}  ${where}`);
  }
  print(`${plan.email.length} by e-mail, ${plan.post.length} by post, ${plan.invalid.length} skipped (invalid address). Nothing was sent (--dry-run).`);
  return 0;
}

const summary = (status: DispatchStatus) => {
  const c = status.counts;
  return `sent ${c.sent}, waiting ${c.queued + c.sending}, retrying ${c.retrying}, failed ${c.failed}, rejected ${c.rejected}, uncertain ${c.uncertain}, by post ${c.post}, skipped ${c.skipped}`;
};

export const sendCommand: CliCommand = {
  name: 'send',
  usage: 'send --appeal <slug> [--dry-run]',
  description: 'Sends a final appeal to every addressee by e-mail (or continues its dispatch); --dry-run prints what would go where.',
  async run(args, context) {
    const { values } = parseArgs({ args, options: { appeal: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } }, strict: true });
    if (!values.appeal) throw new CliError('--appeal <slug> is required.');
    const { db } = context.database();
    const { config, clock, print } = context;
    const appeal = findAppeal(db, values.appeal);
    if (values['dry-run']) return dryRun(context, db, appeal);

    if (!dispatchStatus({ db, clock, appeal })) {
      const started = startDispatch({ db, clock, appeal, actor: { organiserId: null, name: 'Kommandozeile' } });
      if (!started.ok && !started.dispatch) {
        if (started.error === 'dispatch.error.notFinal') throw new CliError(`The appeal "${appeal.slug}" is not final (state: ${appeal.state}); finalise the co-signing first.`);
        if (started.error === 'dispatch.error.noAddressees') throw new CliError(`The appeal "${appeal.slug}" has no addressees.`);
        throw new CliError(`Cannot send: ${started.error}`);
      }
      if (started.ok) print(`Dispatch started: ${started.email} by e-mail, ${started.post} by post, ${started.invalid} skipped (invalid address).`);
    } else {
      print(`Continuing the dispatch of "${appeal.slug}".`);
    }

    const worker = context.mailWorker(db);
    const uncertain = worker.recover();
    if (uncertain.length > 0) print(`${uncertain.length} letter(s) were being sent when a previous run stopped; they are now "uncertain" and will not be re-sent automatically.`);
    print(`Sending via ${config.mail.smtp ? config.mail.smtp.displayUrl : config.mail.dir} …`);
    const started = performance.now();
    let status = dispatchStatus({ db, clock, appeal })!;
    let exitCode: number = SEND_EXIT.done;
    try {
      for (;;) {
        const result = await worker.runOnce();
        status = dispatchStatus({ db, clock, appeal })!;
        print(`  ${summary(status)}`);
        if (result.paused) {
          const pause = status.pause;
          print(`Paused: ${pause?.reason ?? 'the mail server refused the login or the connection'}`);
          print('Nothing is lost: run "send" again later, or let the running server continue.');
          exitCode = SEND_EXIT.unfinished;
          break;
        }
        if (result.sent + result.failed + result.rejected === 0) break;
      }
    } finally {
      await worker.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const c = status.counts;
    print(`Done in ${seconds.toFixed(1)} s: ${summary(status)}.`);
    for (const row of deliveriesInStates({ db, dispatchId: status.dispatch.id, states: ['failed', 'rejected', 'uncertain', 'skipped'] })) {
      print(`  ${row.state.padEnd(9)} ${row.delivery.label} <${row.delivery.email}> ${row.outbox?.lastError ?? ''}`);
    }
    if (c.retrying > 0) {
      print(`${c.retrying} letter(s) failed temporarily and will be retried (by the running server, or run "send" again).`);
      exitCode = SEND_EXIT.unfinished;
    }
    if (exitCode === SEND_EXIT.done && (c.failed + c.rejected + c.uncertain + c.skipped > 0)) exitCode = SEND_EXIT.problems;
    if (status.dispatch.finishedAt) print(`The appeal "${appeal.slug}" is now marked as sent.`);
    return exitCode;
  },
};
