import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as germanDictionary } from '@zxcvbn-ts/language-de';
import type { MessageKey } from '../i18n/index.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

// zxcvbn's estimate with the common-password list (49,000 leaked passwords, @zxcvbn-ts/
// language-common) and German words and names (@zxcvbn-ts/language-de): "passwort1234",
// "qwertzuiop123" or "Schmetterling1" are guessed in well under 10^8 tries. Only the first
// 48 characters are examined, which bounds the time (a longer password passes on length).
let estimator: ZxcvbnFactory | undefined;
const estimate = () =>
  (estimator ??= new ZxcvbnFactory({ dictionary: { ...commonDictionary, ...germanDictionary }, graphs: adjacencyGraphs, maxLength: 48 }));

/** Score 3 of 4: at least 10^8 guesses, safe against online guessing with the rate limits. */
const MIN_SCORE = 3;

/**
 * Why a new password is refused, or null when it is fine: shorter than 12 characters, a
 * common password or a simple variation of one, or one built from the account's e-mail or name.
 */
export function passwordProblem(password: string, userInputs: string[] = []): MessageKey | null {
  if (password.length < MIN_PASSWORD_LENGTH) return 'guard.password.tooShort';
  const result = estimate().check(password, userInputs.filter((input) => input !== ''));
  return result.score < MIN_SCORE ? 'guard.password.common' : null;
}
