import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeEventStoreContract, event } from '../contract/event-store.contract';
import type { Worker } from 'node:worker_threads';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../errors';
import { SqliteEventStore } from './sqlite-event-store';

const dirs = new Map<SqliteEventStore, string>();

for (const writerThread of [false, true]) {
  describeEventStoreContract(writerThread ? 'sqlite, writer thread' : 'sqlite', {
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'redress-es-'));
      const store = new SqliteEventStore({ file: join(dir, 'events.db'), pollMs: 20, writerThread });
      dirs.set(store, dir);
      return store;
    },
    release: async (store) => {
      await store.close();
      rmSync(dirs.get(store as SqliteEventStore) as string, { recursive: true, force: true });
    },
  });
}

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'redress-es-'));
    file = join(dir, 'events.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writerSettings = (store: SqliteEventStore) => (store as unknown as { writer: { ready: Promise<{ synchronous: number; walAutocheckpoint: number }> } }).writer.ready;

  it('is durable by default: WAL with synchronous=FULL on the write connection', async () => {
    const store = new SqliteEventStore({ file });
    expect(await writerSettings(store)).toEqual({ synchronous: 2, walAutocheckpoint: 1000 });
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('checkpoints the WAL at SQLite\'s default unless told otherwise (a bulk load), and stays durable either way', async () => {
    const bulk = new SqliteEventStore({ file, walAutocheckpointPages: 40_000, writerThread: true });
    expect(await writerSettings(bulk)).toEqual({ synchronous: 2, walAutocheckpoint: 40_000 });
    await bulk.close();
  });

  it('commits concurrent appends in one transaction, each with its own conflict result', async () => {
    const store = new SqliteEventStore({ file });
    await store.appendToStream('taken', [event('First')], 'no_stream');
    const results = await Promise.allSettled([
      store.appendToStream('s-1', [event('A'), event('B')], 'no_stream'),
      store.appendToStream('taken', [event('Clash1'), event('Clash2')], 'no_stream'),
      store.appendToStream('s-2', [event('C')], 'no_stream'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    const all = await store.readAll();
    expect(all.map((e) => [e.position, e.streamName, e.type])).toEqual([
      [1, 'taken', 'First'],
      [2, 's-1', 'A'],
      [3, 's-1', 'B'],
      [4, 's-2', 'C'],
    ]);
    expect((store as unknown as { commits: number }).commits).toBe(2);
    await store.close();
  });

  it('fails only the append whose events cannot be stored, leaving nothing of it behind', async () => {
    const store = new SqliteEventStore({ file });
    const unserialisable = { ...event('Broken'), data: { amount: 10n } } as unknown as ReturnType<typeof event>;
    const results = await Promise.allSettled([
      store.appendToStream('b', [event('Fine'), unserialisable]),
      store.appendToStream('c', [event('AlsoFine')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason.message).toMatch(/^events for b are not JSON/);
    expect(await store.readStream('b')).toEqual([]);
    expect((await store.readAll()).map((e) => e.type)).toEqual(['AlsoFine']);
    await store.close();
  });

  it('refuses appends with EventStoreUnavailableError once its writer thread is gone, and still reads what was written', async () => {
    const store = new SqliteEventStore({ file, writerThread: true });
    await store.appendToStream('s', [event('Kept')]);
    await (store as unknown as { writer: { worker: Worker } }).writer.worker.terminate();
    await expect(store.appendToStream('s', [event('Lost')])).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect((await store.readStream('s')).map((e) => e.type)).toEqual(['Kept']);
    await store.close();
  });

  it.each([false, true])('acknowledges appends only once committed: a second connection sees each acknowledged event (writer thread: %s)', async (writerThread) => {
    const store = new SqliteEventStore({ file, writerThread });
    const other = new Database(file, { readonly: true });
    const appended = await Promise.all(Array.from({ length: 50 }, (_, i) => store.appendToStream(`s-${i % 5}`, [event('E')])));
    const count = (other.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    expect(count).toBe(50);
    expect(new Set(appended.map((a) => a.position)).size).toBe(50);
    other.close();
    await store.close();
  });

  it.each([false, true])('commits a data key with the first batch after it was given out, never after an event sealed with it (writer thread: %s)', async (writerThread) => {
    const store = new SqliteEventStore({ file, writerThread });
    const keys = store.dataKeys();
    const used = await keys.keyFor('ann');
    const other = new Database(file, { readonly: true });
    const stored = () => (other.prepare('SELECT id FROM data_keys').all() as Array<{ id: string }>).map((row) => row.id);
    expect(stored()).toEqual([]);
    expect(await keys.keyFor('ann')).toEqual(used);
    await store.appendToStream('s-1', [event('Sealed', { with: used.id })]);
    // Committed in the same transaction as the event: a reader sees both or neither.
    expect(stored()).toEqual([used.id]);
    const unused = await keys.keyFor('bob');
    await store.close();
    other.close();
    const reopened = new SqliteEventStore({ file, writerThread });
    expect(await reopened.dataKeys().find(used.id)).toEqual(used);
    // Given out but never used by an append: lost with the process, and nothing was sealed with it.
    expect(await reopened.dataKeys().find(unused.id)).toBeUndefined();
    await reopened.close();
  });

  it('erases a key that a batch on its way to the writer thread carries: the insert cannot outlive the erasure', async () => {
    const store = new SqliteEventStore({ file, writerThread: true });
    const keys = store.dataKeys();
    const key = await keys.keyFor('ann');
    const appended = store.appendToStream('s-1', [event('Sealed', { with: key.id })]);
    // The batch (and the key with it) has gone to the writer thread before the erasure starts.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await keys.erase('ann', 'e-1')).toBe(1);
    await appended;
    expect(await keys.find(key.id)).toBeUndefined();
    await store.close();
  });

  it('leaves out a key given out before another process erased its subject: the fence is in the file, not the process', async () => {
    const importer = new SqliteEventStore({ file });
    const api = new SqliteEventStore({ file });
    const [importerKeys, apiKeys] = [importer.dataKeys(), api.dataKeys()];
    const key = await importerKeys.keyFor('ann');
    // The api knows nothing of the importer's key, given out but not yet written: it fences and deletes what it can see.
    expect(await apiKeys.erase('ann', 'e-1')).toBe(0);
    await importer.appendToStream('s-1', [event('Sealed', { with: key.id })]);
    expect(await apiKeys.find(key.id)).toBeUndefined();
    expect(await importerKeys.find(key.id)).toBeUndefined();
    await apiKeys.endErasure('ann', 'e-1');
    await Promise.all([importer.close(), api.close()]);
  });

  it('lets the process live until close() resolves, with appends still queued on the writer thread', () => {
    // The script sets exit code 3 once close() resolves: a process that ended before then would exit 0, silently.
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/close-while-busy.ts', file], { encoding: 'utf8' });
    expect({ status: child.status, out: child.stdout }).toEqual({ status: 3, out: 'closed after 1500 appends\n' });
  });

  it('commits a long queue inline in batches, one turn of the event loop apart (no recursion through the queue)', async () => {
    const store = new SqliteEventStore({ file, maxBatch: 1, synchronous: 'NORMAL' });
    const results = await Promise.allSettled(Array.from({ length: 5000 }, (_, i) => store.appendToStream(`s-${i}`, [event('E')], 'no_stream')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5000);
    await store.close();
  });

  it('sees appends made by another process through polling', async () => {
    const follower = new SqliteEventStore({ file, pollMs: 10 });
    const writer = new SqliteEventStore({ file });
    const subscription = follower.subscribeToAll();
    const first = (async () => {
      for await (const e of subscription) return e.type;
      return undefined;
    })();
    await writer.appendToStream('elsewhere', [event('FromAnotherConnection')]);
    await expect(first).resolves.toBe('FromAnotherConnection');
    await subscription.close();
    await writer.close();
    await follower.close();
  });

  it('ends its subscriptions when closed', async () => {
    const store = new SqliteEventStore({ file });
    const subscription = store.subscribeToAll();
    const consumed = (async () => {
      let count = 0;
      for await (const _ of subscription) count += 1;
      return count;
    })();
    await store.appendToStream('s', [event('A')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.close();
    await expect(consumed).resolves.toBe(1);
  });

  it('reports a hole in the positions or a truncated end', async () => {
    const store = new SqliteEventStore({ file });
    await store.appendToStream('s', [event('A'), event('B'), event('C')]);
    expect(store.checkContinuity()).toBeUndefined();
    const db = new Database(file);
    db.prepare('DELETE FROM events WHERE position = 3').run();
    expect(store.checkContinuity()).toMatch(/removed from its end/);
    db.prepare('DELETE FROM events WHERE position = 1').run();
    expect(store.checkContinuity()).toMatch(/missing/);
    db.close();
    await store.close();
  });
});
