// A signed timestamp in a public form (a hidden field): a form sent back sooner than a person
// can fill it in is a bot's. The HMAC keeps the time from being forged; no state is stored.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a form page stays usable (a stamp older than this is "expired"). */
export const FORM_STAMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const signature = (secret: string, purpose: string, issuedAt: number) =>
  createHmac('sha256', secret).update(`mitzeichnen:form-stamp:${purpose}:${issuedAt}`, 'utf8').digest('base64url');

/** The hidden field's value for a form shown `now`; `purpose` binds it to one form. */
export function issueFormStamp({ secret, now, purpose = 'form' }: { secret: string; now: Date; purpose?: string }): string {
  const issuedAt = now.getTime();
  return `${issuedAt}.${signature(secret, purpose, issuedAt)}`;
}

export type FormStampCheck = { ok: true } | { ok: false; reason: 'missing' | 'invalid' | 'tooFast' | 'expired' };

/** Whether the form was filled in for at least `minMs` (and not longer than `maxMs`) by what the stamp says. */
export function checkFormStamp({
  secret,
  stamp,
  now,
  minMs,
  maxMs = FORM_STAMP_MAX_AGE_MS,
  purpose = 'form',
}: {
  secret: string;
  stamp: string | undefined;
  now: Date;
  minMs: number;
  maxMs?: number;
  purpose?: string;
}): FormStampCheck {
  if (!stamp) return { ok: false, reason: 'missing' };
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(stamp);
  if (!match) return { ok: false, reason: 'invalid' };
  const issuedAt = Number(match[1]);
  const expected = Buffer.from(signature(secret, purpose, issuedAt));
  const given = Buffer.from(match[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  const elapsed = now.getTime() - issuedAt;
  if (elapsed < minMs) return { ok: false, reason: 'tooFast' };
  if (elapsed > maxMs) return { ok: false, reason: 'expired' };
  return { ok: true };
}
