import type { FastifyInstance } from 'fastify';

export interface Draining {
  /** From now on new requests get 503; resolves when those in flight have been answered, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
}

/**
 * Stopping gracefully: refuse new requests (503 SHUTTING_DOWN, Connection:
 * close, so clients retry elsewhere) while the ones in flight finish.
 */
export const registerDraining = (fastify: FastifyInstance): Draining => {
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!draining) {
      inFlight += 1;
      done();
      return;
    }
    void reply
      .code(503)
      .header('connection', 'close')
      .header('retry-after', '1')
      .send({ statusCode: 503, code: 'SHUTTING_DOWN', message: 'the api is stopping; try again shortly' });
  });
  // Answered (or its client gone, which Fastify also ends in onResponse): no longer in flight.
  const settled = (_request: unknown, _reply: unknown, done: () => void) => {
    inFlight = Math.max(0, inFlight - 1);
    if (inFlight === 0) idle?.();
    done();
  };
  fastify.addHook('onResponse', settled);
  return {
    drain: async (timeoutMs) => {
      draining = true;
      if (inFlight === 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        idle = () => (clearTimeout(timer), resolve());
      });
    },
  };
};
