import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { registerMailViewer } from '../mail/mail.routes.ts';
import { presentMailboxStatus } from '../mailbox/mailbox.presenters.ts';
import { getMailboxStatus } from '../mailbox/mailbox.service.ts';
import { appealParams } from './appeal-access.ts';
import { presentAppealHeader } from './appeals.presenters.ts';

type Options = { db: Db; config: Config };

/**
 * The mail of one appeal, for its team (any role): the stored e-mails of its outbox rows
 * (invitations, reminders, confirmations, letters, member-added mail) and their outbox state.
 * Another coalition's organiser gets 404 from the appeal access check; a mail id of another
 * appeal is not found in this appeal's scope.
 */
const appealMailRoutes: FastifyPluginAsync<Options> = async (app, { db, config }) => {
  registerMailViewer(app, {
    db,
    config,
    prefix: '/appeals/:slug/mail',
    params: appealParams,
    routeConfig: { appealRole: 'viewer' },
    scopeOf: (request) => ({ appealId: request.appeal.id }),
    baseOf: (request) => `/appeals/${request.appeal.slug}/mail`,
    // The outbox page also says whether the mailbox (replies, bounces) is read: its state only.
    pageData: (request) => ({ appeal: presentAppealHeader(request.appeal, request.appealRole, 'mail'), mailbox: presentMailboxStatus(getMailboxStatus({ db, mailbox: config.mailbox })) }),
  });
};

export default appealMailRoutes;
