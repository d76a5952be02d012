// What goes with every letter mail of an appeal besides the letter, when the organiser chose it:
// the supporter list and the signing record, each rendered once per appeal.
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Clock } from '../shared/clock.ts';
import { createFileStore } from '../shared/file-store.ts';
import { issueSupporterList } from '../letters/supporter-list.service.ts';
import { issueSigningRecord } from '../letters/signing-record.service.ts';

/** The supporter list every letter mail of the appeal carries, when the organiser chose it (rendered once, see letters/supporter-list.service.ts). */
export const attachedSupporterList = ({ db, clock, config, appeal, day }: { db: Db; clock: Clock; config: Config; appeal: Appeal; day: string }) =>
  appeal.supporterListAttached ? issueSupporterList({ db, clock, appeal, baseUrl: config.baseUrl, day, seal: config.seal }) : Promise.resolve(undefined);

/** The signing record every letter mail of the appeal carries, when the organiser chose it (made once, see letters/signing-record.service.ts). */
export const attachedSigningRecord = ({ db, clock, config, appeal }: { db: Db; clock: Clock; config: Config; appeal: Appeal }) =>
  appeal.signingRecordAttached ? issueSigningRecord({ db, clock, fileStore: createFileStore(config.uploadsDir), appeal, baseUrl: config.baseUrl, seal: config.seal }) : Promise.resolve(undefined);
