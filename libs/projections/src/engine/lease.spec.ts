import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDocumentStore } from '../sqlite/sqlite-document-store';
import { LEASES, Lease, type LeaseRecord } from './lease';

describe('Lease (expiry and fencing, two processes on one embedded store)', () => {
  let dir: string;
  let first: SqliteDocumentStore;
  let second: SqliteDocumentStore;
  /** One wall clock both processes read; tests move it to expire a lease. */
  let wall: number;
  const leases: Lease[] = [];
  const lease = (store: SqliteDocumentStore, holder: string, ttlMs = 60_000) => {
    const made = new Lease(store, 'work', holder, { ttlMs, now: () => wall });
    leases.push(made);
    return made;
  };
  beforeEach(() => {
    wall = Date.parse('2026-11-26T00:00:00Z');
    dir = mkdtempSync(join(tmpdir(), 'redress-lease-'));
    first = new SqliteDocumentStore(join(dir, 'read-models.db'));
    second = new SqliteDocumentStore(join(dir, 'read-models.db'));
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.release().catch(() => undefined)));
    await first.close();
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const record = () => first.collection<LeaseRecord>(LEASES).get('work');

  it('is held by one holder at a time; a release hands it over at once with a new token', async () => {
    const a = lease(first, 'a');
    const b = lease(second, 'b');
    expect(await a.ensure()).toBe(true);
    expect(await b.ensure()).toBe(false);
    expect(await a.ensure()).toBe(true);
    expect(await record()).toMatchObject({ holder: 'a', token: 1, expiresAt: wall + 60_000 });
    await a.release();
    expect(a.held()).toBe(false);
    expect(await b.ensure()).toBe(true);
    expect(await record()).toMatchObject({ holder: 'b', token: 2 });
  });

  it('is renewed while held, so it does not expire under a live holder', async () => {
    const a = lease(first, 'a');
    const b = lease(second, 'b');
    await a.ensure();
    wall += 50_000;
    expect(await a.renew()).toBe(true);
    wall += 50_000;
    expect(await b.ensure()).toBe(false);
    expect(await record()).toMatchObject({ holder: 'a', token: 1, expiresAt: wall - 50_000 + 60_000 });
  });

  it('expires under a holder that stopped renewing (a crash, a long pause); the stale holder\'s writes are then refused', async () => {
    const a = lease(first, 'a');
    const b = lease(second, 'b');
    await a.ensure();
    wall += 60_001;
    expect(await b.ensure()).toBe(true);
    // A paused process still believes it holds the lease; the fence is what stops it.
    expect(a.held()).toBe(true);
    expect(await first.commit([{ collection: 'work_done', upsert: { _id: 'x', by: 'a' } }], [a.fence()])).toBe(false);
    expect(await second.commit([{ collection: 'work_done', upsert: { _id: 'x', by: 'b' } }], [b.fence()])).toBe(true);
    expect(await first.collection('work_done').get('x')).toEqual({ _id: 'x', by: 'b' });
    // Its next renewal finds out, and it stops acting.
    expect(await a.renew()).toBe(false);
    expect(a.held()).toBe(false);
    expect(await a.ensure()).toBe(false);
    expect(await record()).toMatchObject({ holder: 'b', token: 2 });
  });

  it('is free at once when its holder was a process on this host that is gone (an embedded api restarted after a crash)', async () => {
    const a = lease(first, 'a');
    await a.ensure();
    const held = (await record()) as LeaseRecord;
    // A process that no longer runs, and this pid in an earlier life (a container restarted with pid 1).
    for (const gone of [{ pid: 2 ** 22 + 1 }, { processStartedAt: held.processStartedAt - 60_000 }]) {
      await first.commit([{ collection: LEASES, upsert: { ...held, ...gone, holder: 'crashed' } }]);
      const b = lease(second, `b${gone.pid ?? ''}`);
      expect(await b.ensure()).toBe(true);
      await b.release();
    }
    // Another host's holder is trusted until its lease expires.
    await first.commit([{ collection: LEASES, upsert: { ...held, host: 'elsewhere', pid: 2 ** 22 + 1, holder: 'remote' } }]);
    expect(await lease(second, 'c').ensure()).toBe(false);
  });

  it('two contenders racing for a free lease: exactly one wins', async () => {
    const contenders = Array.from({ length: 6 }, (_, i) => lease(i % 2 ? first : second, `c${i}`));
    const won = await Promise.all(contenders.map((c) => c.ensure()));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect((await record())?.token).toBe(1);
  });

  it('stops acting on its own when renewals fail (the store is unreachable) for two thirds of the TTL', async () => {
    const a = lease(first, 'a', 300);
    await a.ensure();
    const commit = first.commit.bind(first);
    first.commit = () => Promise.reject(new Error('store unreachable'));
    await new Promise((resolve) => setTimeout(resolve, 260));
    expect(a.held()).toBe(false);
    first.commit = commit;
  });
});
