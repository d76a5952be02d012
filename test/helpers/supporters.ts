// Supporter rows as the public side would leave them, written through the supporters repository.
import { supportersRepository } from '../../server/supporters/supporters.repository.ts';
import { emailKeyOf } from '../../server/supporters/supporters.table.ts';
import type { NewSupporter } from '../../server/supporters/supporters.table.ts';
import type { Db } from '../../server/db/client.ts';
import { fixedNow } from './app.ts';

let serial = 0;

/** Supporter rows as the public side would leave them (state and confirmedAt in one insert). */
export function addSupporters(db: Db, appealId: number, { organisations = [], citizens = 0, state = 'confirmed', extra = {} }: { organisations?: string[]; citizens?: number; state?: NewSupporter['state']; extra?: Partial<NewSupporter> }) {
  const at = (n: number) => new Date(fixedNow.getTime() - 86_400_000 + n * 1000);
  const rows: NewSupporter[] = [
    ...organisations.map((name): NewSupporter => {
      serial += 1;
      return { appealId, kind: 'organisation', state, organisationName: name, firstName: 'Vera', lastName: `Vertreterin ${serial}`, email: `org${serial}@example.org`, emailKey: emailKeyOf(`org${serial}@example.org`), createdAt: at(serial), confirmedAt: state === 'confirmed' ? at(serial) : null, ...extra };
    }),
    ...Array.from({ length: citizens }, (): NewSupporter => {
      serial += 1;
      return { appealId, kind: 'citizen', state, firstName: 'Bürger', lastName: `Nummer ${serial}`, postcode: '47533', place: 'Kleve', email: `b${serial}@example.org`, emailKey: emailKeyOf(`b${serial}@example.org`), createdAt: at(serial), confirmedAt: state === 'confirmed' ? at(serial) : null, ...extra };
    }),
  ];
  supportersRepository(db).insertDemoRows(rows);
  return rows;
}


/** One supporter with the given address (citizen unless `kind` says otherwise), confirmed a day ago. */
export function addSupporter(db: Db, appealId: number, values: Partial<NewSupporter> & { email: string }) {
  const day = new Date(fixedNow.getTime() - 86_400_000);
  const row: NewSupporter = { appealId, kind: 'citizen', state: 'confirmed', firstName: 'Clara', lastName: 'Bürgerin', postcode: '47574', place: 'Goch', emailKey: emailKeyOf(values.email), createdAt: day, confirmedAt: values.state && values.state !== 'confirmed' ? null : day, ...values };
  supportersRepository(db).insertDemoRows([row]);
  return supportersRepository(db).byEmailKey(row.emailKey, appealId).find((found) => found.kind === row.kind)!;
}
