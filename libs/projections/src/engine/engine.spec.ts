import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, uuidv7, type RecordedEvent } from '@redress/event-store';
import type { Document, DocumentStore } from '../document-store';
import { SqliteDocumentStore } from '../sqlite/sqlite-document-store';
import { ProjectionCatalog, type ActiveGeneration } from './catalog';
import { batched } from './batched';
import { ScanCache } from './scan-cache';
import { foldBatch } from './fold-batch';
import { asStored, type Projection } from './projection';
import { rebuildProjection } from './rebuild';
import { CHECKPOINTS, checkpointId, generationCollection, readRegistry } from './registry';
import { ProjectionRunner } from './runner';
import { LEASES, Lease, type LeaseRecord } from './lease';

/**
 * The engine on a deliberately non-idempotent fold (a running count and sum):
 * any event applied twice or skipped shows in the totals.
 */
interface Tally extends Document {
  readonly count: number;
  readonly sum: number;
  readonly types: string;
}
const tally = (version = 1): Projection<Tally> => ({
  name: 'tally',
  version,
  collection: 'tally',
  indexes: [['count']],
  ...asStored,
  keyOf: (event) => (event.streamName.startsWith('t-') ? event.streamName : undefined),
  evolve: (current, event) => ({
    _id: event.streamName,
    count: (current?.count ?? 0) + 1,
    sum: (current?.sum ?? 0) + (event.data.n as number),
    types: `${current?.types ?? ''}${event.type[0]}`,
  }),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (condition: () => Promise<boolean>, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
};

describe('projection engine', () => {
  let dir: string;
  let events: SqliteEventStore;
  let documents: SqliteDocumentStore;
  let written: number;
  const runners: ProjectionRunner[] = [];
  const runner = (projection: Projection<Tally>, options = {}, store: DocumentStore = documents) => {
    const started = new ProjectionRunner(events, store, projection, options);
    runners.push(started);
    return started;
  };
  beforeEach(() => {
    written = 0;
    dir = mkdtempSync(join(tmpdir(), 'redress-projections-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL', pollMs: 20 });
    documents = new SqliteDocumentStore(join(dir, 'read-models.db'));
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await events.close();
    await documents.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `count` events spread over `streams` streams (and one stream the projection ignores). */
  const write = async (count: number, streams = 7) => {
    for (let i = written; i < written + count; i += 1) {
      const stream = i % 11 === 10 ? 'other-1' : `t-${i % streams}`;
      await events.appendToStream(stream, [{ id: uuidv7(), type: i % 2 ? 'Odd' : 'Even', data: { n: i }, metadata: {} }], 'any');
    }
    written += count;
  };
  /** The expected totals, computed straight from the log. */
  const expected = async () => {
    const totals = new Map<string, { count: number; sum: number }>();
    for (const event of await events.readAll()) {
      if (!event.streamName.startsWith('t-')) continue;
      const t = totals.get(event.streamName) ?? { count: 0, sum: 0 };
      totals.set(event.streamName, { count: t.count + 1, sum: t.sum + (event.data.n as number) });
    }
    return Object.fromEntries([...totals].sort());
  };
  const actual = async (generation: number, store: DocumentStore = documents) => {
    const { items } = await store.collection<Tally>(generationCollection('tally', generation)).find({}, { limit: 1000, sort: [['_id', 1]] });
    return Object.fromEntries(items.map((d) => [d._id, { count: d.count, sum: d.sum }]));
  };
  const everything = async (generation: number) => (await documents.collection(generationCollection('tally', generation)).find({}, { limit: 1000 })).items;

  it('builds on first start, then follows live writes, checkpoint and documents together', async () => {
    await write(50);
    const projector = runner(tally(), { batchSize: 8 });
    await projector.start();
    const catalog = new ProjectionCatalog(events, documents, [tally()]);
    expect((await catalog.active('tally'))?.position).toBe(50);
    expect(await actual(1)).toEqual(await expected());
    await write(30);
    const head = await events.headPosition();
    expect(await catalog.reached('tally', head, 5000)).toBeDefined();
    expect(await actual(1)).toEqual(await expected());
    const [status] = await catalog.status();
    expect(status).toMatchObject({ name: 'tally', state: 'live', generation: 1, position: head, headPosition: head, lagEvents: 0, lagSeconds: 0 });
    await projector.stop();
  });

  it('never applies an event twice: a replayed, overlapping batch changes nothing', async () => {
    await write(40);
    const all = await events.readAll();
    await rebuildProjection(events, documents, tally(), { batchSize: 1000 });
    const before = await everything(1);
    // As after a crash between the documents and the checkpoint: the same events again.
    await documents.commit(await foldBatch(documents, tally(), 1, all.slice(10, 35), new Date()));
    expect(await everything(1)).toEqual(before);
  });

  it('writes each document with the position of the last event folded into it, also when its fold keeps what it loaded', async () => {
    // A fold that carries the stored document along (`...current`), as the rectification items' does.
    const spread: Projection<Tally> = { ...tally(), evolve: (current, event) => ({ ...current, ...tally().evolve(current, event) }) };
    await write(40);
    const all = await events.readAll();
    for (const from of [0, 10, 20, 30]) await documents.commit(await foldBatch(documents, spread, 1, all.slice(from, from + 10), new Date()));
    const lastOf = new Map(all.filter((event) => event.streamName.startsWith('t-')).map((event) => [event.streamName, event.position]));
    const written = await everything(1);
    expect(Object.fromEntries(written.map((d) => [d._id, d._position]))).toEqual(Object.fromEntries(lastOf));
    expect(await actual(1)).toEqual(await expected());
    // So a replay of events already folded changes nothing.
    await documents.commit(await foldBatch(documents, spread, 1, all.slice(25, 40), new Date()));
    expect(await everything(1)).toEqual(written);
  });

  it('a failed commit leaves documents and checkpoint as they were, and the retry catches up exactly', async () => {
    await write(30);
    const projector = runner(tally(), { batchSize: 5, retryMs: 20 });
    await projector.start();
    const commit = documents.commit.bind(documents);
    let failures = 3;
    documents.commit = async (writes, fences) => {
      if (failures > 0 && writes.some((w) => w.collection === CHECKPOINTS)) {
        failures -= 1;
        throw new Error('disk on fire');
      }
      return commit(writes, fences);
    };
    await write(20);
    const catalog = new ProjectionCatalog(events, documents, [tally()]);
    expect(await catalog.reached('tally', await events.headPosition(), 5000)).toBeDefined();
    expect(failures).toBe(0);
    expect(await actual(1)).toEqual(await expected());
    await projector.stop();
  });

  it('while the read-model store is locked by another process it retries, and catches up exactly once it is free', async () => {
    await write(20);
    const locked = new SqliteDocumentStore(join(dir, 'read-models.db'), { busyTimeoutMs: 20 });
    const projector = runner(tally(), { batchSize: 5, retryMs: 20 }, locked);
    await projector.start();
    const catalog = new ProjectionCatalog(events, locked, [tally()]);
    const other = new Database(join(dir, 'read-models.db'));
    other.exec('BEGIN IMMEDIATE');
    await write(30);
    await sleep(200);
    // Reads go on (WAL): the read model still answers, at the position it had.
    expect((await catalog.active('tally'))?.position).toBe(20);
    other.exec('ROLLBACK');
    other.close();
    expect(await catalog.reached('tally', await events.headPosition(), 5000)).toBeDefined();
    expect(await actual(1, locked)).toEqual(await expected());
    await projector.stop();
    await locked.close();
  });

  it('records a failing event on the checkpoint and stops there until it is fixed', async () => {
    await write(10);
    let broken = true;
    const fragile: Projection<Tally> = {
      ...tally(),
      evolve: (current, event) => {
        if (broken && (event.data.n as number) === 12) throw new Error('cannot fold n=12');
        return tally().evolve(current, event);
      },
    };
    const projector = runner(fragile, { batchSize: 1, retryMs: 20 });
    await projector.start();
    await write(5);
    const catalog = new ProjectionCatalog(events, documents, [fragile]);
    await until(async () => (await catalog.status())[0]?.state === 'failing');
    const [status] = await catalog.status();
    expect(status?.error?.message).toBe('cannot fold n=12');
    expect(status?.position).toBe(12);
    expect(status?.lagEvents).toBe(3);
    broken = false;
    expect(await catalog.reached('tally', await events.headPosition(), 5000)).toBeDefined();
    expect((await catalog.status())[0]?.state).toBe('live');
    expect(await actual(1)).toEqual(await expected());
    await projector.stop();
  });

  it('rebuilds blue/green: queries keep the old generation until the swap, the live runner moves over, rebuilt equals live', async () => {
    await write(60);
    const projector = runner(tally(), { batchSize: 7 });
    await projector.start();
    const catalog = new ProjectionCatalog(events, documents, [tally()]);
    const seen: number[] = [];
    const rebuilt = await rebuildProjection(events, documents, tally(), {
      batchSize: 10,
      onProgress: async () => {
        seen.push((await catalog.active('tally'))?.generation ?? 0);
      },
    });
    await sleep(50);
    expect(new Set(seen)).toEqual(new Set([1]));
    expect(rebuilt).toMatchObject({ projection: 'tally', generation: 2, events: 60 });
    expect(await readRegistry(documents, 'tally')).toMatchObject({ generation: 2, building: null, retiring: null, retiringSince: null });
    // The old generation is gone; the live runner carries on in the new one.
    expect(await documents.collection(generationCollection('tally', 1)).count()).toBe(0);
    await write(25);
    expect(await catalog.reached('tally', await events.headPosition(), 5000)).toMatchObject({ generation: 2 });
    expect(await actual(2)).toEqual(await expected());
    await projector.stop();

    // And a rebuild from scratch now equals what the live runner built, document for document.
    const live = await everything(2);
    await rebuildProjection(events, documents, tally());
    expect(await everything(3)).toEqual(live);
    expect(await documents.collection(CHECKPOINTS).get(checkpointId('tally', 2))).toBeUndefined();
  });

  it('rebuilds on start when the projection version changed, serving the old generation meanwhile', async () => {
    await write(20);
    const first = runner(tally(1));
    await first.start();
    await first.stop();
    const second = runner(tally(2));
    await second.start();
    const catalog = new ProjectionCatalog(events, documents, [tally(2)]);
    await until(async () => (await readRegistry(documents, 'tally'))?.version === 2);
    expect((await catalog.active('tally'))?.generation).toBe(2);
    expect(await actual(2)).toEqual(await expected());
    await second.stop();
  });

  it('rebuilds a read model that is ahead of its log (the log restored from an older copy), then follows the log it has', async () => {
    await write(20);
    const first = runner(tally());
    await first.start();
    await first.stop();
    // The log as it was at 8 events: a copy taken then, restored over the later one.
    await events.close();
    const file = join(dir, 'events.db');
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    rmSync(file);
    events = new SqliteEventStore({ file, synchronous: 'NORMAL', pollMs: 20 });
    written = 0;
    await write(8);
    const second = runner(tally());
    await second.start();
    const catalog = new ProjectionCatalog(events, documents, [tally()]);
    await until(async () => (await catalog.active('tally'))?.generation === 2);
    expect(await actual(2)).toEqual(await expected());
    // The appends that take the positions the old read model had are folded, not skipped.
    await write(5);
    expect(await catalog.reached('tally', await events.headPosition(), 5000)).toBeDefined();
    expect(await actual(2)).toEqual(await expected());
    await second.stop();
  });

  it('leaves a read model built by a newer version alone, and waits for a rebuild running elsewhere', async () => {
    await write(10);
    await rebuildProjection(events, documents, tally(2));
    const before = await everything(1);
    const older = runner(tally(1), { retryMs: 20 });
    await older.start();
    await write(5);
    await sleep(150);
    expect(await everything(1)).toEqual(before);
    expect((await readRegistry(documents, 'tally'))?.version).toBe(2);
    await older.stop();

    // A rebuild in progress elsewhere (its claim fresh) is not superseded by a runner that wants one too.
    await documents.commit([{ collection: 'projections', upsert: { ...(await readRegistry(documents, 'tally'))!, building: 7, rebuiltAt: new Date().toISOString() } }]);
    const newer = runner(tally(3), { retryMs: 20 });
    await newer.start();
    await sleep(150);
    expect(await readRegistry(documents, 'tally')).toMatchObject({ version: 2, building: 7 });
    await newer.stop();
  });

  it('a runner of an older version gives the lease up, so the newer version, which built the read model, follows the log', async () => {
    await write(10);
    await rebuildProjection(events, documents, tally(2));
    const lease = (holder: string) => new Lease(documents, 'projection:tally', holder, { ttlMs: 3000 });
    const older = runner(tally(1), { retryMs: 20, lease: lease('old') });
    await older.start();
    await until(async () => (await documents.collection<LeaseRecord>(LEASES).get('projection:tally'))?.holder === 'old');
    const newer = runner(tally(2), { retryMs: 20, lease: lease('new') });
    await newer.start();
    await write(10);
    // Before, the older runner kept the lease renewed while it stood aside, and the newer one stood by for good.
    expect(await new ProjectionCatalog(events, documents, [tally(2)]).reached('tally', await events.headPosition(), 5000)).toBeDefined();
    expect(await actual(1)).toEqual(await expected());
  });

  it("a rebuild's claim made from the registry as it was before another rebuild swapped is refused, not put back in front of queries", async () => {
    await write(20);
    await rebuildProjection(events, documents, tally());
    const commit = documents.commit.bind(documents);
    let overtaken = false;
    const slow = Object.create(documents) as SqliteDocumentStore;
    // The claim of the slow rebuild is held up until a whole rebuild has claimed, swapped and retired in between.
    slow.commit = async (writes, fences) => {
      if (!overtaken && writes.some((w) => w.collection === 'projections' && 'upsert' in w && w.upsert.building !== null)) {
        overtaken = true;
        await rebuildProjection(events, documents, tally(), { retireAfterMs: 0 });
      }
      return commit(writes, fences);
    };
    await expect(rebuildProjection(events, slow, tally(), { retireAfterMs: 0 })).rejects.toMatchObject({ name: 'RebuildSupersededError' });
    expect(await readRegistry(documents, 'tally')).toMatchObject({ generation: 2, building: null });
    expect(await actual(2)).toEqual(await expected());
  });

  it('drops a replaced generation that a rebuild killed after its swap left behind, once its queries are long done', async () => {
    await write(20);
    await rebuildProjection(events, documents, tally());
    await rebuildProjection(events, documents, tally());
    // As a rebuild killed in the seconds after its swap leaves it: generation 1 replaced, still there, still marked.
    const leave = async (minutesAgo: number) => {
      await documents.commit([
        { collection: 'tally_g1', upsert: { _id: 't-0', count: 1, sum: 0, types: 'E' } },
        { collection: 'projections', upsert: { ...(await readRegistry(documents, 'tally'))!, retiring: 1, retiringSince: new Date(Date.now() - minutesAgo * 60_000).toISOString() } },
      ]);
    };
    await leave(0);
    const live = runner(tally(), { retryMs: 20 });
    await live.start();
    await write(5);
    expect(await new ProjectionCatalog(events, documents, [tally()]).reached('tally', await events.headPosition(), 5000)).toBeDefined();
    // Just swapped: a query may still be reading it.
    expect(await everything(1)).toHaveLength(1);
    await live.stop();

    await leave(2);
    await runner(tally(), { retryMs: 20 }).start();
    await until(async () => (await readRegistry(documents, 'tally'))?.retiring === null);
    expect(await everything(1)).toEqual([]);

    // A rebuild's claim clears one too.
    await leave(2);
    await rebuildProjection(events, documents, tally(), { retireAfterMs: 0 });
    expect(await everything(1)).toEqual([]);
    expect(await readRegistry(documents, 'tally')).toMatchObject({ generation: 3, retiring: null });
  });

  it('a runner stopped during a rebuild gives its claim up at the next batch, rather than hold the stop until the rebuild ends', async () => {
    await write(2500);
    await rebuildProjection(events, documents, tally(1));
    // A slow store: each commit of a rebuild's 1,000 events takes 300 ms.
    const slow = Object.create(documents) as SqliteDocumentStore;
    slow.commit = async (writes, fences) => {
      await sleep(300);
      return documents.commit(writes, fences);
    };
    const upgraded = runner(tally(2), { batchSize: 5, retryMs: 20 }, slow);
    await upgraded.start();
    await until(async () => (await readRegistry(documents, 'tally'))?.building === 2 && (await documents.collection(CHECKPOINTS).get(checkpointId('tally', 2))) !== undefined);
    await upgraded.stop();
    // Stopped before it finished: the old generation serves on; no claim is left to look alive, and nothing of the half-built one.
    expect(await readRegistry(documents, 'tally')).toMatchObject({ generation: 1, version: 1, building: null });
    expect(await everything(2)).toEqual([]);
    expect(await documents.collection(CHECKPOINTS).get(checkpointId('tally', 2))).toBeUndefined();
  });

  it("a rebuild swapping soon after another drops the generation that one replaced only once that one's queries had their time", async () => {
    await write(20);
    await rebuildProjection(events, documents, tally());
    await rebuildProjection(events, documents, tally(), { retireAfterMs: 0 });
    // As another rebuild leaves it in its 2 s: generation 1 replaced just now, marked, not yet dropped.
    const since = Date.now();
    await documents.commit([
      { collection: 'tally_g1', upsert: { _id: 't-0', count: 1, sum: 0, types: 'E' } },
      { collection: 'projections', upsert: { ...(await readRegistry(documents, 'tally'))!, retiring: 1, retiringSince: new Date(since).toISOString() } },
    ]);
    const dropped: Record<string, number> = {};
    const watched = Object.create(documents) as SqliteDocumentStore;
    watched.drop = async (collection) => {
      dropped[collection] = Date.now();
      return documents.drop(collection);
    };
    await rebuildProjection(events, watched, tally(), { retireAfterMs: 300 });
    // Before, it was dropped at once, under queries that had chosen it a moment before.
    // (Less a few ms: timers and Date.now() round differently.)
    expect(dropped.tally_g1).toBeGreaterThanOrEqual(since + 290);
    expect(await readRegistry(documents, 'tally')).toMatchObject({ generation: 3, retiring: null, retiringSince: null });
  });

  it('a superseded rebuild gives way to the newer one', async () => {
    await write(30);
    let superseded: Promise<unknown> | undefined;
    const report = await rebuildProjection(events, documents, tally(), {
      batchSize: 5,
      onProgress: (position) => {
        if (position === 10) superseded = rebuildProjection(events, documents, tally(), { batchSize: 100 }).catch((error: Error) => error.name);
      },
    }).catch((error: Error) => error.name);
    expect(report).toBe('RebuildSupersededError');
    expect(await superseded).toMatchObject({ generation: 2, events: 30 });
    expect(await actual(2)).toEqual(await expected());
  });

  it('with two runners of one projection (two processes on one store), only the lease holder applies; the standby takes over when it stops', async () => {
    await write(40);
    const second = new SqliteDocumentStore(join(dir, 'read-models.db'));
    const applied = new Map<string, number>();
    /** Counts the batches each process gets committed to the read model. */
    const counting = (store: SqliteDocumentStore, holder: string) => {
      const commit = store.commit.bind(store);
      store.commit = async (writes, fences) => {
        const done = await commit(writes, fences);
        if (done && writes.some((w) => w.collection === CHECKPOINTS)) applied.set(holder, (applied.get(holder) ?? 0) + 1);
        return done;
      };
      return store;
    };
    const contender = (store: SqliteDocumentStore, holder: string) =>
      runner(tally(), { batchSize: 8, retryMs: 20, lease: new Lease(counting(store, holder), 'projection:tally', holder, { ttlMs: 3000 }) }, store);
    const a = contender(documents, 'a');
    const b = contender(second, 'b');
    await Promise.all([a.start(), b.start()]);
    const catalog = new ProjectionCatalog(events, documents, [tally()]);
    await write(40);
    expect(await catalog.reached('tally', await events.headPosition(), 5000)).toBeDefined();
    expect(await actual(1)).toEqual(await expected());
    const lease = await documents.collection<LeaseRecord>(LEASES).get('projection:tally');
    const [leader, standby] = lease?.holder === 'a' ? [a, 'b'] : [b, 'a'];
    expect(applied.get(standby)).toBeUndefined();

    await leader.stop();
    await write(30);
    expect(await catalog.reached('tally', await events.headPosition(), 5000)).toBeDefined();
    // Every event applied exactly once across both (the tally is not idempotent), the later ones by the standby.
    expect(await actual(1)).toEqual(await expected());
    expect(applied.get(standby)).toBeGreaterThan(0);
    expect((await documents.collection<LeaseRecord>(LEASES).get('projection:tally'))).toMatchObject({ holder: standby, token: (lease?.token ?? 0) + 1 });
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await second.close();
  });

  it('ignores events of other streams but moves its checkpoint past them', async () => {
    await events.appendToStream('other-9', [{ id: uuidv7(), type: 'Noise', data: { n: 1 }, metadata: {} }], 'any');
    const projector = runner(tally());
    await projector.start();
    expect((await new ProjectionCatalog(events, documents, [tally()]).active('tally'))?.position).toBe(1);
    expect(await documents.collection(generationCollection('tally', 1)).count()).toBe(0);
    await projector.stop();
  });
});

describe('engine parts', () => {
  it('a failed facts refresh fails only its own readers; the next one starts afresh', async () => {
    const cache = new ScanCache(['n'], (row) => row);
    let failing = true;
    const scan = async () => {
      if (failing) {
        failing = false;
        throw new Error('store gone');
      }
      return [['a', 1]];
    };
    const active = { generation: 1, position: 5, collection: () => ({ scan }) } as unknown as ActiveGeneration;
    await expect(cache.rows(active)).rejects.toThrow('store gone');
    expect([...(await cache.rows(active))]).toEqual([[1]]);
  });

  it('batches a source whose read fails while a batch is being applied, without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    async function* source() {
      yield 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('connection lost');
    }
    const seen: number[][] = [];
    await expect(
      (async () => {
        for await (const batch of batched(source(), 10)) {
          seen.push(batch);
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
      })(),
    ).rejects.toThrow('connection lost');
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off('unhandledRejection', record);
    expect(seen).toEqual([[1]]);
    expect(unhandled).toEqual([]);
  });
});

export type { RecordedEvent };
