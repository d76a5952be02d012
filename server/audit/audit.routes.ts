import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import { appealRouteSchema } from '../appeals/appeal-access.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatDateTime, isoDate } from '../shared/dates.ts';
import { auditCsv, isPseudonymised, readAuditTrail } from './audit.service.ts';

const actionLabel = (action: string) => t(`audit.action.${action}` as MessageKey);

/** The appeal's audit trail: a page with the chain check and a CSV export. */
const auditRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get('/appeals/:slug/audit', { schema: appealRouteSchema, config: { appealRole: 'viewer' } }, async (request, reply) => {
    const trail = readAuditTrail({ db, appealId: request.appeal.id });
    return reply.viewAsync('audit/index', {
      title: t('audit.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'signing'),
      intact: trail.intact,
      firstBrokenId: trail.firstBrokenId,
      events: trail.events.map((event) => ({
        id: event.id,
        at: formatDateTime(event.at),
        actor: event.actor,
        action: actionLabel(event.action),
        detail: event.detail,
        versionHash: event.versionHash.slice(0, 12),
        pseudonymised: isPseudonymised(event),
        broken: trail.firstBrokenId !== null && event.id >= trail.firstBrokenId,
      })),
    });
  });

  app.get('/appeals/:slug/audit.csv', { schema: appealRouteSchema, config: { appealRole: 'viewer' } }, async (request, reply) => {
    const { events } = readAuditTrail({ db, appealId: request.appeal.id });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${isoDate(new Date())}_${request.appeal.slug}_protokoll.csv"`)
      .send(auditCsv({ events, labels: actionLabel }));
  });
};

export default auditRoutes;
