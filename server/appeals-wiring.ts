// What the appeals pages need from the layers above appeals/ (signing, signatories, addressees),
// wired here in the composition root so that every folder import points downward.
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { Clock } from './shared/clock.ts';
import { appealAddresseeLists } from './addressees/addressees.service.ts';
import type { OverviewSections } from './appeals/appeal-overview.ts';
import type { TextChangeImpactHook, TextChangedHook } from './appeals/appeals.service.ts';
import { presentSignatories } from './signatories/signatories.presenters.ts';
import { listSignatories } from './signatories/signatories.service.ts';
import { recordTextChange, textChangeImpact } from './signing/signing-organiser.service.ts';
import { publishedRepliesOf } from './replies/replies-inbox.service.ts';
import { rateText } from './replies/replies.presenters.ts';

export function appealsWiring({ db, clock, config }: { db: Db; clock: Clock; config: Config }): { onTextChanged: TextChangedHook; textChangeImpact: TextChangeImpactHook; overviewSections: OverviewSections } {
  return {
    // Before such a save, the page says who would have to confirm again, and asks.
    textChangeImpact: ({ appeal, input }) => textChangeImpact({ db, appeal, text: input }),
    // A text saved during signing becomes a new version; signatories are asked to confirm again.
    onTextChanged: ({ db: tx, appeal, actor }) => recordTextChange({ db: tx, clock, config, appeal, actor }),
    overviewSections: ({ appeal }) => {
      const lists = appealAddresseeLists({ db, appeal });
      return {
        signatories: presentSignatories(listSignatories({ db, appeal })),
        addresseeLists: lists.map(({ list, collective, entryCount }) => ({ name: list.name, collective, entryCount })),
        letterCount: lists.reduce((sum, entry) => sum + (entry.collective ? 1 : entry.entryCount), 0),
        // Once the letters are out: "7 von 19 haben geantwortet" (replies/).
        answerRate: rateText(publishedRepliesOf({ db, appeal })?.rate ?? { answered: 0, total: 0 }),
      };
    },
  };
}
