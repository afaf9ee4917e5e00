import type { FastifyInstance } from 'fastify';
import { uuidv7 } from '@redress/event-store';

const ACCEPTABLE = /^[\w.:-]{1,100}$/;

/** Honours a sane X-Correlation-Id or makes one, and returns it on every response. */
export const registerCorrelationId = (fastify: FastifyInstance): void => {
  fastify.decorateRequest('correlationId', '');
  fastify.addHook('onRequest', (request, reply, done) => {
    const given = request.headers['x-correlation-id'];
    request.correlationId = typeof given === 'string' && ACCEPTABLE.test(given) ? given : uuidv7();
    void reply.header('x-correlation-id', request.correlationId);
    done();
  });
};
