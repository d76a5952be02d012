// The life of an appeal (DESIGN §2) in one place: its states, the allowed transitions and
// the rules derived from them. Every other module asks here instead of comparing states.
//
//   draft ──open──▶ signing ──finalise──▶ final ──startSending──▶ sending ──finishSending──▶ sent
//     ▲               │  ▲                  │
//     └───(none)──────┘  └──────reopen──────┘   (reopen only before sending has started)
import type { AppealState, PublicFrom } from './appeals.table.ts';

export type AppealEvent = 'open' | 'finalise' | 'reopen' | 'startSending' | 'finishSending';

const transitions: Record<AppealEvent, { from: AppealState; to: AppealState }> = {
  open: { from: 'draft', to: 'signing' },
  finalise: { from: 'signing', to: 'final' },
  reopen: { from: 'final', to: 'signing' },
  startSending: { from: 'final', to: 'sending' },
  finishSending: { from: 'sending', to: 'sent' },
};

/** The state an event leads to from `state`, or undefined when the event is not allowed there. */
export function nextState(state: AppealState, event: AppealEvent): AppealState | undefined {
  const transition = transitions[event];
  return transition.from === state ? transition.to : undefined;
}

/** The state an event must start from (for a conditional update in the repository). */
export const requiredState = (event: AppealEvent): AppealState => transitions[event].from;

type HasState = { state: AppealState };

/** The letter is still a draft: printed with "ENTWURF" and placeholders for missing signatures. */
export const isDraftLetter = ({ state }: HasState) => state === 'draft' || state === 'signing';
/** Text, subtitle, closing … may change (during signing a change makes a new text version). */
export const mayEditText = ({ state }: HasState) => state === 'draft' || state === 'signing';
/** First signatories may be added, changed, moved or removed. */
export const mayEditSignatoryList = ({ state }: HasState) => state === 'draft' || state === 'signing';
/** Only a draft may be deleted. */
export const mayDelete = ({ state }: HasState) => state === 'draft';
/** Invitations, reminders and new links go out, and representatives may answer. */
export const isOpenForSigning = ({ state }: HasState) => state === 'signing';
/** The organiser may open the appeal for signing. */
export const mayOpen = ({ state }: HasState) => nextState(state, 'open') !== undefined;
export const mayFinalise = ({ state }: HasState) => nextState(state, 'finalise') !== undefined;
/** Reopening a final appeal is possible until sending has started. */
export const mayReopen = ({ state }: HasState) => nextState(state, 'reopen') !== undefined;
/** "Jetzt versenden" may start the dispatch. */
export const mayStartSending = ({ state }: HasState) => nextState(state, 'startSending') !== undefined;
/** Sending has started (or finished): letter mails may still go out, e.g. a resent delivery. */
export const hasSendingStarted = ({ state }: HasState) => state === 'sending' || state === 'sent';
/** The letters are fixed: final, in dispatch or sent. */
export const isLetterFinal = ({ state }: HasState) => state === 'final' || state === 'sending' || state === 'sent';
/** Which lists an appeal addresses may change until sending has started. */
export const mayChangeAddressees = ({ state }: HasState) => !hasSendingStarted({ state });

/**
 * The public page /a/<slug> is shown: switched on, and from signing on or only once the
 * letter is final, as the organiser chose.
 */
export const isPublicPageVisible = ({ state, publicPage, publicFrom }: { state: AppealState; publicPage: boolean; publicFrom: PublicFrom }) =>
  publicPage && ((publicFrom === 'signing' && state !== 'draft') || (publicFrom === 'final' && isLetterFinal({ state })));
