import type { FastifyInstance } from 'fastify';

export interface Draining {
  /** From now on new requests get 503; resolves when those in flight have been answered, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
}

/** How to let go of a request taken before draining: set for each one as it comes in. */
const releases = new WeakMap<object, () => void>();

/**
 * A response that lasts until the api closes (a feed stream: its service
 * ends it then, after draining): draining does not wait for it, or every
 * stop with a console open would wait out the whole timeout.
 */
export const exemptFromDraining = (request: object): void => releases.get(request)?.();

/**
 * Stopping gracefully: refuse new requests (503 SHUTTING_DOWN, Connection:
 * close, so clients retry elsewhere) while the ones in flight finish.
 */
export const registerDraining = (fastify: FastifyInstance): Draining => {
  let draining = false;
  /** The requests taken before draining began: only these are waited for (a refused one is answered too, and must not count). */
  const inFlight = new WeakSet<object>();
  let count = 0;
  let idle: (() => void) | undefined;
  const release = (request: object): void => {
    if (inFlight.delete(request)) {
      count -= 1;
      if (count === 0) idle?.();
    }
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!draining) {
      inFlight.add(request);
      releases.set(request, () => release(request));
      count += 1;
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
  fastify.addHook('onResponse', (request, _reply, done) => {
    release(request);
    done();
  });
  return {
    drain: async (timeoutMs) => {
      draining = true;
      if (count === 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        idle = () => (clearTimeout(timer), resolve());
      });
    },
  };
};
