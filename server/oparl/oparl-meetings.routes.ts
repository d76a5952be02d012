import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import { readForm } from '../shared/form.ts';
import { t } from '../i18n/index.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { appealRouteSchema } from '../appeals/appeal-access.ts';
import { OparlError } from './oparl-fetch.ts';
import { createOparlFetcher, discoverMeetings } from './oparl.service.ts';
import type { MeetingChoices } from './oparl.service.ts';
import { meetingSubtitle, readPickedMeetings, withMeetingLine } from './meeting-subtitle.ts';
import { appealFormFields, choiceOptions, presentMeetings } from './oparl.presenters.ts';

type Options = { config: Config; clock: Clock };

/**
 * Meeting dates of an Antrag from the council information system: a GET form (no script) lists
 * the upcoming meetings; the picked ones become the line „Antrag zur Sitzung …“, which goes back
 * to the appeal's form unsaved (its „Vorschau“), where the organiser can still change it.
 */
const oparlMeetingsRoutes: FastifyPluginAsync<Options> = async (app, { config, clock }) => {
  app.get('/appeals/:slug/oparl-meetings', { schema: appealRouteSchema, config: { appealRole: 'editor' } }, async (request, reply) => {
    const appeal = request.appeal;
    const form = readForm(request.query);
    const system = form.line('system', { max: 2000 });
    const body = form.line('body', { max: 2000 });
    const { picked, meetings: pickedMeetings } = readPickedMeetings((request.query as Record<string, unknown>).meeting);
    const page = { title: t('oparl.meetings.title'), appeal: presentAppealHeader(appeal, request.appealRole, 'text'), slug: appeal.slug };
    const values = { system, body };
    const line = meetingSubtitle(pickedMeetings);
    if (line) {
      const subtitle = withMeetingLine(appeal.subtitle, line);
      return reply.viewAsync('oparl/meetings', { ...page, form: formView(values), line, subtitle: subtitle.split('\n'), fields: appealFormFields(appeal, subtitle) });
    }
    if (system === '') return reply.viewAsync('oparl/meetings', { ...page, form: formView(values) });
    const fetcher = createOparlFetcher(config);
    let choices: MeetingChoices;
    try {
      choices = await discoverMeetings({ fetchJson: fetcher.fetchJson, clock, system, body: body || undefined });
    } catch (error) {
      if (!(error instanceof OparlError)) throw error;
      return reply.code(422).viewAsync('oparl/meetings', { ...page, form: formView(values, { system: error.messageKey }, { system: error.params }) });
    } finally {
      fetcher.close();
    }
    // The meeting form was sent without a meeting ticked.
    const nonePicked = form.line('pick') !== '' && choices.body !== undefined;
    return reply.code(nonePicked ? 422 : 200).viewAsync('oparl/meetings', {
      ...page,
      form: formView(values, nonePicked ? { meeting: 'oparl.meetings.choose' } : {}),
      choices,
      bodies: choiceOptions(choices.bodies, body || choices.body?.id || ''),
      meetings: presentMeetings(choices.meetings, picked),
    });
  });
};

export default oparlMeetingsRoutes;
