// The hash chain of the audit trail, as pure functions: used by audit/ to append and verify,
// and by db/ to upgrade rows written before the personal part was hashed through a digest.
import { createHash, randomBytes } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

/** The fields of an audit row the chain is about (a row as stored, or one about to be). */
export type ChainRow = {
  appealId: number;
  at: Date;
  actor: string;
  action: string;
  detail: string;
  versionHash: string;
  ip: string;
  personalSalt: string;
  personalDigest: string;
  ipSalt: string;
  ipDigest: string;
  previousHash: string;
  hash: string;
};

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export const newSalt = () => randomBytes(16).toString('hex');

/** Salted digest of the personal text of a row: what the chain covers instead of the text. */
export const personalDigestOf = (salt: string, actor: string, detail: string) => sha256(`${salt}\n${JSON.stringify([actor, detail])}`);
export const ipDigestOf = (salt: string, ip: string) => sha256(`${salt}\n${ip}`);

/** The hash of rows written before the digests: it covers the personal text itself. */
export function legacyEventHash(previousHash: string, row: Pick<ChainRow, 'appealId' | 'at' | 'actor' | 'action' | 'detail' | 'versionHash' | 'ip'>): string {
  const content = JSON.stringify([row.appealId, row.at.getTime(), row.actor, row.action, row.detail, row.versionHash, row.ip]);
  return sha256(`${previousHash}\n${content}`);
}

/** The hash of a row: the previous hash, the impersonal fields and the two digests. */
export function eventHash(previousHash: string, row: Pick<ChainRow, 'appealId' | 'at' | 'action' | 'versionHash' | 'personalDigest' | 'ipDigest'>): string {
  const content = JSON.stringify(['v2', row.appealId, row.at.getTime(), row.action, row.versionHash, row.personalDigest, row.ipDigest]);
  return sha256(`${previousHash}\n${content}`);
}

export const isLegacyRow = (row: Pick<ChainRow, 'personalDigest'>) => row.personalDigest === '';
/** The personal text was replaced by a pseudonym (its salt is gone; the digest stays). */
export const isPseudonymised = (row: Pick<ChainRow, 'personalDigest' | 'personalSalt'>) => !isLegacyRow(row) && row.personalSalt === '';

/** Digests (and fresh salts) for a new row. */
export function sealPersonal(fields: { actor: string; detail: string; ip: string }) {
  const personalSalt = newSalt();
  const ipSalt = fields.ip ? newSalt() : '';
  return {
    personalSalt,
    personalDigest: personalDigestOf(personalSalt, fields.actor, fields.detail),
    ipSalt,
    ipDigest: fields.ip ? ipDigestOf(ipSalt, fields.ip) : ipDigestOf('', ''),
  };
}

/** Whether one row is what its chain remembers: its hash, and the digests of what is still readable. */
export function rowIntact(previousHash: string, row: ChainRow): boolean {
  if (row.previousHash !== previousHash) return false;
  if (isLegacyRow(row)) return legacyEventHash(previousHash, row) === row.hash;
  if (eventHash(previousHash, row) !== row.hash) return false;
  if (row.personalSalt !== '' && personalDigestOf(row.personalSalt, row.actor, row.detail) !== row.personalDigest) return false;
  // Without a salt the address must be gone (removed after the retention period, or never there).
  if (row.ipSalt === '') return row.ip === '';
  return ipDigestOf(row.ipSalt, row.ip) === row.ipDigest;
}

/** The first row (in chain order) that does not match its chain, or undefined. */
export function firstBrokenRow<T extends ChainRow>(rows: T[]): T | undefined {
  let previousHash = GENESIS;
  for (const row of rows) {
    if (!rowIntact(previousHash, row)) return row;
    previousHash = row.hash;
  }
  return undefined;
}
