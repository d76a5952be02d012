// The automatic reminders of co-signing, sent by the reminder timer of the server.
import { signingRepository } from './signing.repository.ts';
import { DAY, currentVersion, firstSignatories, invite } from './signing.service.ts';
import type { SigningDeps } from './signing.service.ts';

/**
 * Sends the automatic reminders that are due. Each reminder slot is claimed in the database
 * first, so a restart or a second process never sends one twice. Returns how many went out.
 */
export function sendDueReminders({ db, clock, config }: SigningDeps): number {
  if (config.reminderMax === 0) return 0;
  let sent = 0;
  for (const appeal of signingRepository(db).appealsInSigning()) {
    const version = currentVersion({ db, appeal });
    for (const entry of firstSignatories({ db, appeal })) {
      const { signatory } = entry;
      if (!['invited', 'viewed', 'needs_reconfirmation'].includes(signatory.status) || !signatory.invitedAt) continue;
      const claimed = signingRepository(db).remindersClaimed(signatory.id, version.id);
      if (claimed >= config.reminderMax) continue;
      if (clock().getTime() < signatory.invitedAt.getTime() + config.reminderAfterDays * DAY) continue;
      db.transaction((tx) => {
        if (!signingRepository(tx).claimReminder(signatory.id, version.id, claimed + 1, clock())) return;
        const kind = signatory.status === 'needs_reconfirmation' ? 'signing-reconfirmation' : 'signing-reminder';
        invite({ db: tx, clock, config, appeal, entry, version, kind });
        sent += 1;
      });
    }
  }
  return sent;
}
