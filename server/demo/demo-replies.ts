// A sent Antrag in the demo, with what came back: the Landrat's office answered through the
// reply link (published on the public page), one mayor's mail server refused the letter, one
// sent an auto-reply, the rest have not answered yet. Sent for real through the outbox (to
// .eml files, never to a mail server) and recorded through the same services as live mail.
import type { Appeal } from '../appeals/appeals.table.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { createBackground } from '../background.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { dispatchRepository } from '../dispatch/dispatch.repository.ts';
import { startDispatch } from '../dispatch/dispatch.service.ts';
import { createMailTransport } from '../mail/transport.ts';
import { organiserActor } from '../organisers/organiser-actor.ts';
import { recordIncomingMessage } from '../replies/incoming.service.ts';
import { createReplyFileStore } from '../replies/reply-files.ts';
import { checkReplyLink, issueReplyLink, setReplyPublished, submitLinkReply } from '../replies/replies.service.ts';
import type { Clock } from '../shared/clock.ts';
import type { DemoAppeal } from './demo-content.ts';
import { demoOrganiser } from './demo-content.ts';
import type { DemoSigning } from './demo-signing.ts';

export const DEMO_SENT_SLUG = 'kleve-antrag-schulsozialarbeit';

const body = `die SPD-Kreistagsfraktion und die Kreistagsfraktion Bündnis 90/Die Grünen stellen folgenden Antrag:

1. Der Kreis Kleve sichert die Stellen der Schulsozialarbeit an den Berufskollegs in seiner Trägerschaft über das Ende der Landesförderung hinaus.
2. Die Verwaltung legt dem Ausschuss für Schule und Bildung bis zu seiner nächsten Sitzung dar, wie die Stellen ab dem Schuljahr 2027/28 finanziert werden können.
3. Die Städte und Gemeinden werden gebeten, ihre Erfahrungen mit der Schulsozialarbeit an ihren Schulen in den Bericht einzubringen.

## Begründung

An den Berufskollegs des Kreises lernen viele junge Menschen, deren Weg in Ausbildung und Beruf nicht gerade verläuft. Die Schulsozialarbeit ist für sie oft die erste Anlaufstelle. Die Förderung des Landes für diese Stellen ist befristet; ohne eine Entscheidung des Kreises laufen die Verträge der Fachkräfte im Sommer 2027 aus.`;

export const demoSentAppeal: DemoAppeal = {
  slug: DEMO_SENT_SLUG,
  input: {
    kind: 'antrag',
    coalitionName: 'SPD und Bündnis 90/Die Grünen im Kreistag Kleve',
    title: 'Antrag zum Kreishaushalt 2026: Schulsozialarbeit an den Berufskollegs sichern',
    subtitle: 'Antrag zur Sitzung des Kreistages am 10.12.2026',
    place: 'Kleve',
    letterDate: '',
    reference: 'SSA 2026',
    salutationOverride: '',
    body,
    closing: 'Mit freundlichen Grüßen',
    contactName: 'Hans-Jürgen Peters',
    contactFunction: 'Vorsitzender der SPD-Kreistagsfraktion',
    contactEmail: 'spd-fraktion@example.org',
    contactPhone: '02821 000001',
    ccLines: '',
    attachmentLines: '',
    listFirstSignatories: false,
    publicPage: true,
    publicFrom: 'final',
    supportClosesOn: '',
    supportGoal: 0,
    letterNamesSupporters: false,
    letterCountsCitizens: false,
    supporterListAttached: false,
  },
  signatories: [
    {
      organisation: { name: 'SPD-Kreistagsfraktion Kleve', shortName: 'SPD', website: '', address: '' },
      representative: { representativeName: 'Hans-Jürgen Peters', representativeFunction: 'Vorsitzender der SPD-Fraktion', representativeEmail: 'spd-fraktion@example.org' },
    },
    {
      organisation: { name: 'Kreistagsfraktion Bündnis 90/Die Grünen Kleve', shortName: 'Grüne', website: '', address: '' },
      representative: { representativeName: 'Dr. Ute Brandt', representativeFunction: 'Vorsitzende der Fraktion Bündnis 90/Die Grünen', representativeEmail: 'gruene-fraktion@example.org' },
    },
  ],
  lists: [
    { key: 'landrat', collective: false },
    { key: 'mayors', collective: false },
  ],
};

export const demoSentSigning: DemoSigning = { state: 'final', deadline: '2026-11-20', answers: [{ kind: 'typed' }, { kind: 'typed' }] };

/** Sends the demo Antrag (to .eml files) and records the answers; returns how many letters went out. */
export async function seedDemoReplies({ db, clock, config, appeal }: { db: Db; clock: Clock; config: Config; appeal: Appeal }): Promise<number> {
  const final = appealsRepository(db).findById(appeal.id)!;
  const started = startDispatch({ db, clock, appeal: final, actor: { organiserId: final.createdBy, name: organiserActor(demoOrganiser) } });
  if (!started.ok) throw new Error(`The demo Antrag could not be sent: ${started.error}`);
  // Never to a mail server: the demo's addresses are invented.
  const background = createBackground({ db, clock, config, transport: createMailTransport({ ...config.mail, smtp: undefined }) });
  try {
    for (let round = 0; round < 5 && dispatchRepository(db).hasOpen(started.dispatch.id); round += 1) await background.worker.runOnce();
  } finally {
    await background.stop();
  }
  const deliveries = dispatchRepository(db).listDeliveries(started.dispatch.id);
  const byEmail = (email: string) => deliveries.find((entry) => entry.delivery.email === email);
  const store = createReplyFileStore(config.uploadsDir);
  const landrat = byEmail('landrat@example.org');
  const bounced = byEmail('buergermeister.kalkar@example.org');
  const away = byEmail('buergermeister.geldern@example.org');
  if (bounced?.outbox?.messageId) {
    await recordIncomingMessage({
      db,
      clock,
      store,
      message: demoMessage({
        kind: 'bounce',
        messageId: '<demo-dsn-kalkar@mx.example.org>',
        subject: 'Undelivered Mail Returned to Sender',
        from: 'MAILER-DAEMON@mx.example.org',
        bounce: { originalMessageId: bounced.outbox.messageId, recipient: bounced.delivery.email, status: '5.7.1', diagnostic: '550 5.7.1 envelope blocked – sender not accepted' },
      }),
    });
  }
  if (away?.outbox?.messageId) {
    await recordIncomingMessage({ db, clock, store, message: demoMessage({ kind: 'auto-reply', messageId: '<demo-ooo-geldern@example.org>', inReplyTo: away.outbox.messageId, subject: 'Abwesenheitsnotiz: bis 07.12. nicht im Haus', from: away.delivery.email }) });
  }
  if (landrat) {
    const link = issueReplyLink({ baseUrl: config.baseUrl, deliveryId: landrat.delivery.id, now: clock() });
    link.record(db);
    const check = checkReplyLink({ db, clock, token: link.url.slice(link.url.lastIndexOf('/') + 1) });
    if (check.ok) {
      const reply = submitLinkReply({
        db,
        clock,
        store,
        check,
        ip: '',
        files: [],
        input: {
          authorName: 'Martina Evers',
          office: 'Büro des Landrats, Kreis Kleve',
          authorEmail: '',
          mayPublish: true,
          body: 'Sehr geehrte Damen und Herren,\n\nvielen Dank für Ihren Antrag. Die Verwaltung bereitet für die Sitzung des Ausschusses für Schule und Bildung einen Bericht zur Finanzierung der Schulsozialarbeit an den Berufskollegs vor. Der Antrag wird dem Kreistag mit dieser Vorlage zur Beratung vorgelegt.\n\nMit freundlichen Grüßen\nIm Auftrag\nMartina Evers',
        },
      });
      setReplyPublished({ db, clock, appeal: final, replyId: reply.id, publish: true, actor: organiserActor(demoOrganiser) });
    }
  }
  return deliveries.length;
}

type DemoMessage = Parameters<typeof recordIncomingMessage>[0]['message'];

const demoMessage = (message: Partial<DemoMessage> & Pick<DemoMessage, 'kind'>): DemoMessage => ({
  messageId: null,
  inReplyTo: null,
  references: [],
  subject: '',
  from: '',
  date: null,
  text: '',
  html: null,
  attachments: [],
  bounce: null,
  ...message,
});
