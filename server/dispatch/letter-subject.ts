// Who sends and what the letter mail's subject says: the signing organisations, named as a
// short list, the subject line, and the group a collective letter is forwarded to.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { appealAddresseeLists } from '../addressees/addressees.service.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { LetterRecipient } from '../letters/recipients.ts';
import { listSignatories } from '../signatories/signatories.service.ts';
import { currentVersionOf, signatureCountsFor } from '../signing/versions.ts';

/**
 * Short names of the organisations whose signature counts for the current text (first
 * signatories), in the letter's order: a signature on an older version is not named.
 */
export function signingOrganisations({ db, appeal }: { db: Db; appeal: Appeal }): string[] {
  const version = currentVersionOf({ db, appeal });
  return listSignatories({ db, appeal })
    .filter((entry) => entry.signatory.tier === 'first' && signatureCountsFor(entry.signatory, version))
    .map((entry) => entry.organisation.shortName.trim() || entry.organisation.name.trim())
    .filter(Boolean);
}

/** "AWO, Caritas und DGB"; with many names "AWO, Caritas, DGB, Diakonie und 5 weiteren" (at most about 60 characters). */
export function organisationList(names: string[], maxLength = 60): string {
  if (names.length === 0) return '';
  if (names.length === 1) return names[0]!;
  const all = `${names.slice(0, -1).join(', ')} ${t('dispatch.and')} ${names.at(-1)!}`;
  if (names.length <= 4 && all.length <= maxLength) return all;
  for (let shown = Math.min(4, names.length - 1); shown >= 1; shown -= 1) {
    const text = t('dispatch.andMore', { names: names.slice(0, shown).join(', '), count: names.length - shown });
    if (text.length <= maxLength || shown === 1) return text;
  }
  return all;
}

/** A title that already says what it is ("Antrag zum Kreishaushalt …", "Offener Brief an …"). */
const NAMES_ITS_KIND = /^(gemeinsame[rs]?\s+)?(antrag|aufruf|resolution|offener\s+brief)\b/i;

/**
 * "Gemeinsamer Aufruf von AWO, Caritas, DGB und Diakonie: <Titel>"; a title that names its kind
 * itself is not preceded by it again ("Antrag zum Kreishaushalt 2027 … (AWO, Caritas …)"). For a
 * collective letter to a body that must forward it: "… – mit der Bitte um Weiterleitung an die
 * Mitglieder des Kreistages".
 */
export function letterSubject(appeal: Pick<Appeal, 'kind' | 'title' | 'coalitionName'>, organisations: string[], forwardTo = ''): string {
  const senders = organisationList(organisations) || appeal.coalitionName;
  const subject = NAMES_ITS_KIND.test(appeal.title.trim())
    ? t('dispatch.subjectOwnKind', { senders, title: appeal.title })
    : t('dispatch.subject', { kind: t(`dispatch.subjectKind.${appeal.kind}` as MessageKey), senders, title: appeal.title });
  return forwardTo ? `${subject} – ${t('dispatch.forwarding', { group: forwardTo })}` : subject;
}

/**
 * A letter to a list as a whole goes to the administration, which forwards it to the members
 * (the Kreistag through the Kreisverwaltung): the group it is for, or '' for no forwarding.
 */
export function forwardingGroup({ db, appeal, recipient }: { db: Db; appeal: Appeal; recipient: Pick<LetterRecipient, 'addresseeId' | 'listId'> }): string {
  if (recipient.addresseeId !== null || recipient.listId === null) return '';
  const entry = appealAddresseeLists({ db, appeal }).find((candidate) => candidate.list.id === recipient.listId && candidate.collective);
  const group = entry?.list.groupRecipient.trim() ?? '';
  return /^mitglieder\b/i.test(group) ? group : '';
}
