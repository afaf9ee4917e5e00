import { AsyncResource } from 'node:async_hooks';

/**
 * `AsyncResource.prototype.bind` without what Node 20 adds to every bound
 * function: the deprecated `asyncResource` accessor (DEP0172), whose
 * `deprecate()` wrappers make a fresh function a prototype. V8 lists every
 * prototype in its own prototype's weak registry, and a young-generation
 * collection treats weak references as strong, so each bound function, and
 * all its closure reaches, survives until the next full collection.
 *
 * Fastify binds one per request with a body (the content-type parser's
 * `done`), and that closure reaches the request, the reply, the body and
 * everything decided from it. Measured at a steady 3,000 POST /complaints
 * per second: 3.5 MB promoted per scavenge, 12 ms pauses and a full
 * collection every 2 s with Node's bind; 0.7 MB, 4 ms and every 4 s with
 * this one (bench/ and the closing note of issue 9).
 *
 * The same contract otherwise: run `fn` in the resource's async context with
 * `thisArg`, or with the bound function's own `this` when none is given.
 */
function bind(this: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg?: unknown): (...args: unknown[]) => unknown {
  if (typeof fn !== 'function') throw new TypeError(`AsyncResource.bind needs a function, got ${typeof fn}`);
  const run = this.runInAsyncScope.bind(this);
  return function bound(this: unknown, ...args: unknown[]) {
    return run(fn, thisArg === undefined ? this : thisArg, ...args);
  };
}

/** Installs the bind above for the whole process (the static `AsyncResource.bind` goes through it too). Idempotent. */
export const installAsyncResourceBind = (): void => {
  AsyncResource.prototype.bind = bind as typeof AsyncResource.prototype.bind;
};
