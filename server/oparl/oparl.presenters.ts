// What the OParl pages show, from data the services loaded. Pure.
import { t } from '../i18n/index.ts';
import { presentImportPreview } from '../addressees/addressees.presenters.ts';
import { addressBlock } from '../addressees/forms-of-address.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { appealFormValues } from '../appeals/appeals.presenters.ts';
import { selectOptions } from '../shared/form-view.ts';
import type { Choice, UpcomingMeeting } from './oparl-council.ts';
import { isMarkedLeft } from './oparl-import.service.ts';
import type { OparlPreview } from './oparl-import.service.ts';
import { shortGermanDate } from './meeting-subtitle.ts';

const label = (choice: Choice) => (choice.detail && choice.detail !== choice.name ? `${choice.name} (${choice.detail})` : choice.name);

export const choiceOptions = (items: Choice[], current: string) => selectOptions(items.map((item) => ({ value: item.id, label: label(item) })), current);

export function presentOparlPreview(result: OparlPreview) {
  return {
    ...presentImportPreview(result.preview, `${result.bodyName} – ${result.organizationName}`),
    organizationName: result.organizationName,
    sourceUrl: result.sourceUrl,
    left: result.left.map((entry) => ({
      id: entry.id,
      addressLines: addressBlock(entry),
      email: entry.email,
      alreadyMarked: isMarkedLeft(entry),
    })),
  };
}

export type PresentedOparlPreview = ReturnType<typeof presentOparlPreview>;

/** A meeting as a checkbox: its value carries the day and the organisation, so the line needs no second read. */
export function presentMeetings(meetings: UpcomingMeeting[], picked: string[]) {
  return meetings.flatMap((meeting) =>
    meeting.organizations.map((organization) => {
      const value = `${meeting.day}|${organization.name}`;
      return {
        value,
        id: `m-${meeting.id.replace(/[^A-Za-z0-9]/g, '').slice(-40)}-${organization.id.replace(/[^A-Za-z0-9]/g, '').slice(-20)}`,
        label: `${shortGermanDate(meeting.day)} – ${organization.name}${meeting.name && meeting.name !== organization.name ? ` (${meeting.name})` : ''}`,
        checked: picked.includes(value),
      };
    }),
  );
}

/** Fields the appeal's form sends; the meeting page sends them back with the new subtitle, so nothing typed is lost and nothing is saved yet. */
export function appealFormFields(appeal: Appeal, subtitle: string) {
  const values = { ...appealFormValues(appeal), subtitle };
  const internal = new Set(['id', 'slug', 'state', 'createdAt', 'updatedAt', 'ownerId']);
  return Object.entries(values)
    .filter(([name, value]) => !internal.has(name) && value !== '')
    .map(([name, value]) => ({ name, value }));
}

export const meetingsPageTitle = () => t('oparl.meetings.title');
