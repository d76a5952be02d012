// A sent appeal for the replies tests: final, dispatched through the real worker to the SMTP sink.
import { eq } from 'drizzle-orm';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeFinalAppeal, makeOrganiser } from '../helpers/factories.ts';
import type { FinalAppealOptions } from '../helpers/factories.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { deliveries } from '../../server/dispatch/dispatch.table.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';
import { createReplyFileStore } from '../../server/replies/reply-files.ts';
import type { IncomingMessage } from '../../server/replies/incoming.service.ts';

export async function sentAppeal(options: FinalAppealOptions = {}) {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const app = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url(), MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>' } });
  const { organiser, password } = await makeOrganiser(app.db, { email: 'andrea@buendnis.example', name: 'Andrea Beispiel' });
  const made = await makeFinalAppeal(app, organiser.id, {
    organisations: ['AWO', 'Caritas'],
    appeal: { coalitionName: 'Bündnis für Integration Kleve', title: 'Kommunale Integrationszentren sichern', contactName: 'Andrea Beispiel', contactEmail: 'andrea@buendnis.example' },
    addressees: [
      { salutation: 'Herr', firstName: 'Wolfgang', lastName: 'Gebing', function: 'Bürgermeister', institution: 'Stadt Kleve', email: 'buergermeister@kleve.example' },
      { salutation: 'Frau', firstName: 'Britta', lastName: 'Kellermann', function: 'Bürgermeisterin', institution: 'Stadt Goch', email: 'buergermeisterin@goch.example' },
      { salutation: 'Herr', firstName: 'Peter', lastName: 'Driessen', function: 'Landrat', institution: 'Kreis Kleve', email: 'landrat@kreis-kleve.example' },
      { salutation: 'Frau', firstName: 'Anna', lastName: 'Post', institution: 'Gemeinde Kerken', email: '' },
    ],
    ...options,
  });
  const { worker } = makeMailWorker({ db: app.db, clock: time.clock, config: app.config, concurrency: 2, retryDelayMs: () => 1000, pauseMs: 5000 });
  await worker.runOnce();
  sink.received.length = 0;
  const appeal = appealsRepository(app.db).findById(made.appeal.id)!;
  const started = startDispatch({ db: app.db, clock: time.clock, appeal, actor: { organiserId: organiser.id, name: 'Andrea Beispiel' } });
  if (!started.ok) throw new Error(started.error);
  await worker.runOnce();
  const rows = () =>
    app.db
      .select({ delivery: deliveries, outbox: mailOutbox })
      .from(deliveries)
      .leftJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
      .all();
  const byEmail = (email: string) => rows().find((row) => row.delivery.email === email)!;
  const agent = app.http();
  await loginAs(agent, { email: organiser.email, password });
  return { ...made, sink, time, app, worker, organiser, password, agent, appeal, slug: appeal.slug, rows, byEmail, store: createReplyFileStore(app.config.uploadsDir) };
}

export function incoming(overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    kind: 'reply',
    messageId: '<antwort-1@kreis-kleve.example>',
    inReplyTo: null,
    references: [],
    subject: 'AW: Ihr Schreiben',
    from: 'Büro des Landrats <landrat@kreis-kleve.example>',
    date: new Date('2026-11-30T09:00:00Z'),
    text: 'Sehr geehrte Damen und Herren,\nvielen Dank für Ihr Schreiben.',
    html: null,
    attachments: [],
    bounce: null,
    ...overrides,
  };
}

export const pdfBytes = () => Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
export const exeBytes = () => Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
