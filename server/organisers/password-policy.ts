import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import type * as CommonLanguage from '@zxcvbn-ts/language-common';
import type * as GermanLanguage from '@zxcvbn-ts/language-de';
import type { MessageKey } from '../i18n/index.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

// zxcvbn's estimate with the common-password list (49,000 leaked passwords, @zxcvbn-ts/
// language-common) and German words and names (@zxcvbn-ts/language-de): "passwort1234",
// "qwertzuiop123" or "Schmetterling1" are guessed in well under 10^8 tries. Only the first
// 48 characters are examined, which bounds the time (a longer password passes on length).
// The dictionaries (about 30 MB, 0.5 s) are loaded with the first password checked, not at start.
let estimator: ZxcvbnFactory | undefined;
const estimate = () => {
  if (!estimator) {
    const require = createRequire(import.meta.url);
    const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const common = require('@zxcvbn-ts/language-common') as typeof CommonLanguage;
    const german = require('@zxcvbn-ts/language-de') as typeof GermanLanguage;
    estimator = new Factory({ dictionary: { ...common.dictionary, ...german.dictionary }, graphs: common.adjacencyGraphs, maxLength: 48 });
  }
  return estimator;
};

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
