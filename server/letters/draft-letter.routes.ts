import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { sendPdf } from '../shared/pdf-reply.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { checkLink } from '../signing/signing-representative.service.ts';
import { presentLinkProblem } from '../signing/signing.presenters.ts';
import { issueLetters } from './letters.service.ts';

type Options = { db: Db; clock: Clock; config: Config; fileStore: FileStore };

const tokenParams = { token: 'token' } as const;

/** The representative's copy of the letter as it stands: a draft PDF (with the ENTWURF mark) behind their personal link. */
export const draftLetterRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config, fileStore }) => {
  // Same limit as the signing pages: personal links are guessable only by brute force.
  const options = { schema: paramsSchema(tokenParams), config: { rateLimit: { max: 60, timeWindow: '1 minute' } } };

  app.get('/s/:token/entwurf.pdf', options, async (request, reply) => {
    const { token } = paramsOf(request, tokenParams);
    // A personal page: never cached.
    reply.header('cache-control', 'no-store');
    const check = checkLink({ db, clock, token, purpose: 'sign' });
    if (!check.ok) {
      // The same page as the signing link itself: why it does not work (unknown, expired, revoked, closed).
      const problem = presentLinkProblem(check);
      return reply.code(problem.status).viewAsync('signing/problem', problem.view);
    }
    const { master } = await issueLetters({ db, fileStore, clock, baseUrl: config.baseUrl, seal: config.seal, appeal: check.context.appeal, selection: { master: true } });
    return sendPdf(reply, master!, false);
  });
};
