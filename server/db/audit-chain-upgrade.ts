// Data step of migration 0003_audit_personal_digest: rows written before the digests hashed
// the personal text (actor, detail, ip) into the chain directly, so pseudonymising it would
// break the chain. Once, after the SQL migration, every appeal whose chain is intact in the
// old format is re-hashed in the new one (a salted digest of the personal text; the chain
// covers the digest). A chain that is already broken stays in the old format, so it keeps
// showing where it broke: re-hashing it would hide the tampering.
import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { GENESIS, eventHash, legacyEventHash, sealPersonal } from '../shared/audit-chain.ts';

type LegacyRow = { id: number; appeal_id: number; at: number; actor: string; action: string; detail: string; version_hash: string; ip: string; previous_hash: string; hash: string; personal_digest: string };

/** Converts the old-format chains that still verify; returns how many appeals were converted. */
export function upgradeAuditChains(db: Db): number {
  const appealIds = db.all<{ appeal_id: number }>(sql`select distinct appeal_id from audit_events where personal_digest = ''`).map((row) => row.appeal_id);
  let converted = 0;
  for (const appealId of appealIds) {
    db.transaction((tx) => {
      const rows = tx.all<LegacyRow>(sql`select * from audit_events where appeal_id = ${appealId} order by id`);
      // Only whole chains in the old format (nothing new appended yet) that verify.
      let previous = GENESIS;
      for (const row of rows) {
        const fields = { appealId: row.appeal_id, at: new Date(row.at), actor: row.actor, action: row.action, detail: row.detail, versionHash: row.version_hash, ip: row.ip };
        if (row.personal_digest !== '' || row.previous_hash !== previous || legacyEventHash(previous, fields) !== row.hash) return;
        previous = row.hash;
      }
      let previousHash = GENESIS;
      for (const row of rows) {
        const fields = { appealId: row.appeal_id, at: new Date(row.at), actor: row.actor, action: row.action, detail: row.detail, versionHash: row.version_hash, ip: row.ip };
        const sealed = sealPersonal(fields);
        const hash = eventHash(previousHash, { ...fields, ...sealed });
        tx.run(sql`update audit_events set personal_salt = ${sealed.personalSalt}, personal_digest = ${sealed.personalDigest}, ip_salt = ${sealed.ipSalt}, ip_digest = ${sealed.ipDigest}, previous_hash = ${previousHash}, hash = ${hash} where id = ${row.id}`);
        previousHash = hash;
      }
      converted += 1;
    });
  }
  return converted;
}
