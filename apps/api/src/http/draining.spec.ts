import Fastify from 'fastify';
import { exemptFromDraining, registerDraining } from './draining';

describe('draining', () => {
  it('refuses new requests and waits for those taken before, however many are refused meanwhile', async () => {
    const fastify = Fastify();
    const draining = registerDraining(fastify);
    let finish: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (finish = resolve));
    fastify.get('/slow', async () => {
      await held;
      return { ok: true };
    });
    fastify.get('/fast', async () => ({ ok: true }));
    await fastify.ready();
    const inFlight = fastify.inject({ method: 'GET', url: '/slow' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    let drained = false;
    const draining$ = draining.drain(5000).then(() => (drained = true));
    const refused = await Promise.all([fastify.inject({ method: 'GET', url: '/fast' }), fastify.inject({ method: 'GET', url: '/fast' })]);
    expect(refused.map((r) => [r.statusCode, r.json().code, r.headers.connection])).toEqual([
      [503, 'SHUTTING_DOWN', 'close'],
      [503, 'SHUTTING_DOWN', 'close'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drained).toBe(false);
    finish();
    expect((await inFlight).statusCode).toBe(200);
    await draining$;
    expect(drained).toBe(true);
    await fastify.close();
  });

  it('does not wait for a request whose client has gone away before its answer', async () => {
    // Closing need not wait for the aborted client's connection to time out.
    const fastify = Fastify({ forceCloseConnections: true });
    const draining = registerDraining(fastify);
    let finish: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (finish = resolve));
    let arrived: () => void = () => undefined;
    const taken = new Promise<void>((resolve) => (arrived = resolve));
    fastify.get('/slow', async () => {
      arrived();
      await held;
      return { ok: true };
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = fastify.server.address() as { port: number };
      const abort = new AbortController();
      const gone = fetch(`http://127.0.0.1:${port}/slow`, { signal: abort.signal }).catch((error: Error) => error.name);
      await taken;
      abort.abort();
      expect(await gone).toBe('AbortError');
      let drained = false;
      await Promise.race([draining.drain(60_000).then(() => (drained = true)), new Promise((resolve) => setTimeout(resolve, 1000))]);
      expect(drained).toBe(true);
    } finally {
      finish();
      await fastify.close();
    }
  });

  it('does not wait for a response that lasts until the api closes, such as a feed stream', async () => {
    const fastify = Fastify();
    const draining = registerDraining(fastify);
    let streaming: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (streaming = resolve));
    fastify.get('/stream', (request, reply) => {
      exemptFromDraining(request);
      void reply.hijack();
      reply.raw.writeHead(200);
      reply.raw.write('open\n');
      streaming();
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const { port } = fastify.server.address() as { port: number };
    const abort = new AbortController();
    void fetch(`http://127.0.0.1:${port}/stream`, { signal: abort.signal }).catch(() => undefined);
    await started;
    let drained = false;
    await Promise.race([draining.drain(60_000).then(() => (drained = true)), new Promise((resolve) => setTimeout(resolve, 1000))]);
    expect(drained).toBe(true);
    abort.abort();
    await fastify.close();
  });
});
