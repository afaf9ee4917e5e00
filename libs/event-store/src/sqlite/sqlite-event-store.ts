import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { START } from '../event-store';
import { EventStoreUnavailableError } from '../errors';
import { chainEvents, type StreamHead } from '../hash-chain';
import { followLog, type LogSignal } from '../log-follower';
import { assertAppendable, assertReadable, checkExpectedRevision } from '../expected-revision';
import { SCHEMA } from './schema';

export interface SqliteEventStoreOptions {
  /** File path, or ':memory:'. */
  readonly file: string;
  /**
   * FULL (default) fsyncs the WAL at every commit, so an acknowledged append
   * survives power loss. NORMAL survives a process crash only.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** Most appends committed together in one transaction. */
  readonly maxBatch?: number;
  /** How often followers look for appends made by other processes. */
  readonly pollMs?: number;
  /**
   * Pages the WAL may hold before a commit copies them into the file (SQLite's
   * default: 1,000). A bulk load raises it: an index page written by many
   * commits is then copied once, at the price of a longer pause at the commit
   * that copies, which is why the api keeps the default.
   */
  readonly walAutocheckpointPages?: number;
}

interface PendingAppend {
  readonly streamName: string;
  readonly events: readonly EventToAppend[];
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: unknown };

type Row = [position: number, stream: string, revision: number, id: string, type: string, data: string, metadata: string, recordedAt: string];

const toRecorded = (row: Row): RecordedEvent => ({
  position: row[0],
  streamName: row[1],
  revision: row[2],
  id: row[3],
  type: row[4],
  data: JSON.parse(row[5]),
  metadata: JSON.parse(row[6]),
  recordedAt: row[7],
});

const COLUMNS = 'position, stream, revision, id, type, data, metadata, recorded_at';

/** Disk-full and I/O faults: the write did not happen and may be retried. */
const isUnavailable = (error: unknown): boolean =>
  error instanceof Error && /^SQLITE_(FULL|IOERR|CANTOPEN|READONLY|BUSY)/.test((error as { code?: string }).code ?? '');

/**
 * The embedded event store: one SQLite file in WAL mode, one table with a
 * global autoincrement position and a unique (stream, revision).
 *
 * Group commit: appends arriving in the same turn of the event loop are
 * written in one transaction and made durable by one fsync, yet each keeps
 * its own atomicity and its own conflict result (a savepoint each, see
 * appendInBatch); an append is acknowledged only after the commit.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly queue: PendingAppend[] = [];
  private flushScheduled = false;
  private commits = 0;
  private readonly committed = new EventEmitter();
  private readonly maxBatch: number;
  private readonly pollMs: number;
  private readonly statements;
  private readonly subscriptions = new Set<Subscription>();

  constructor(options: SqliteEventStoreOptions) {
    this.db = new Database(options.file);
    const mode = this.db.pragma('journal_mode = WAL', { simple: true });
    // ':memory:' databases cannot use WAL; a file that cannot is a configuration fault.
    if (mode !== 'wal' && options.file !== ':memory:') throw new Error(`${options.file}: SQLite refused WAL mode (got ${String(mode)})`);
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    if (options.walAutocheckpointPages !== undefined) this.db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(options.walAutocheckpointPages))}`);
    this.db.exec(SCHEMA);
    this.maxBatch = options.maxBatch ?? 512;
    this.pollMs = options.pollMs ?? 250;
    this.committed.setMaxListeners(0);
    this.statements = {
      head: this.db.prepare<[string], { revision: number; hash: string }>(
        `SELECT revision, json_extract(metadata, '$.hash') AS hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1`,
      ),
      insert: this.db.prepare(
        `INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      readForwards: this.db
        .prepare<[string, number, number]>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
        .raw(true),
      readBackwards: this.db
        .prepare<[string, number, number]>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
        .raw(true),
      readAll: this.db
        .prepare<[number, number]>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
        .raw(true),
      headPosition: this.db.prepare<[], { position: number | null }>(`SELECT MAX(position) AS position FROM events`),
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      savepoint: this.db.prepare('SAVEPOINT append'),
      release: this.db.prepare('RELEASE append'),
      rollbackToSavepoint: this.db.prepare('ROLLBACK TO append'),
    };
  }

  async appendToStream(streamName: string, events: readonly EventToAppend[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    assertAppendable(streamName, events, expected);
    return new Promise((resolve, reject) => {
      this.queue.push({ streamName, events, expected, resolve, reject });
      this.scheduleFlush();
    });
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertReadable(options);
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const rows =
      options.direction === 'backwards'
        ? this.statements.readBackwards.all(streamName, options.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount)
        : this.statements.readForwards.all(streamName, options.fromRevision ?? 0, maxCount);
    return (rows as Row[]).map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertReadable(options);
    return this.readAfter(options.after ?? START, options.maxCount ?? 1000);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const subscription = followLog((after, maxCount) => this.readAfter(after, maxCount), this.signal, options.after ?? START, this.pollMs);
    this.subscriptions.add(subscription);
    return {
      [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async headPosition(): Promise<Position> {
    return this.statements.headPosition.get()?.position ?? START;
  }

  /**
   * SQLite-only check for verify: positions are dense (1..n) and the
   * autoincrement high-water mark equals the last position, so a deleted event
   * — even the last of its stream, which a per-stream chain cannot reveal —
   * shows as a hole. Returns a description of the problem, or undefined.
   */
  checkContinuity(): string | undefined {
    // One statement, so a commit cannot land between the counts and the high-water mark.
    const { count, max, seq } = this.db
      .prepare(
        `SELECT COUNT(*) AS count, COALESCE(MAX(position), 0) AS max,
                COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) AS seq
           FROM events`,
      )
      .get() as { count: number; max: number; seq: number };
    if (count !== max) return `positions 1..${max} hold ${count} events: ${max - count} missing`;
    if (seq !== max) return `the log once reached position ${seq} but now ends at ${max}: events were removed from its end`;
    return undefined;
  }

  /** Finishes queued appends, ends every subscription, then closes the file. */
  async close(): Promise<void> {
    while (this.queue.length > 0) this.flush();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    this.db.close();
  }

  private readAfter(after: Position, maxCount: number): Promise<RecordedEvent[]> {
    return Promise.resolve((this.statements.readAll.all(after, maxCount) as Row[]).map(toRecorded));
  }

  private readonly signal: LogSignal = {
    version: () => this.commits,
    changedSince: (since, pollMs, abort) =>
      new Promise<void>((resolve) => {
        if (this.commits !== since || abort.aborted) return resolve();
        const done = (): void => {
          clearTimeout(timer);
          this.committed.off('commit', done);
          abort.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        this.committed.on('commit', done);
        abort.addEventListener('abort', done);
      }),
  };

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
      if (this.queue.length > 0) this.scheduleFlush();
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      const recordedAt = new Date().toISOString();
      this.statements.begin.run();
      outcomes = batch.map((append) => this.appendInBatch(append, recordedAt));
      this.statements.commit.run();
    } catch (error) {
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // The connection undoes an unfinished transaction itself; the appends are refused either way.
      }
      const failure = isUnavailable(error)
        ? new EventStoreUnavailableError(`event store cannot write: ${(error as Error).message}`, { cause: error })
        : error;
      batch.forEach((append) => append.reject(failure));
      return;
    }
    this.commits += 1;
    batch.forEach((append, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) append.resolve(outcome.result);
      else append.reject(outcome.error);
    });
    this.committed.emit('commit');
  }

  /**
   * One append inside the shared transaction, in a savepoint of its own: its
   * conflict or a fault of its own (events that are not JSON, a row too big)
   * undoes only its inserts. A fault of the file (I/O, disk full) fails the
   * whole batch, which the caller rolls back.
   */
  private appendInBatch(append: PendingAppend, recordedAt: string): Outcome {
    const headRow = this.statements.head.get(append.streamName);
    const head: StreamHead | undefined = headRow ? { revision: headRow.revision, hash: headRow.hash } : undefined;
    const conflict = checkExpectedRevision(append.streamName, append.expected, head?.revision);
    if (conflict) return { ok: false, error: conflict };
    this.statements.savepoint.run();
    try {
      let position = 0;
      for (const event of chainEvents(append.streamName, head, append.events)) {
        const data = JSON.stringify(event.data);
        const metadata = JSON.stringify(event.metadata);
        position = Number(this.statements.insert.run(append.streamName, event.revision, event.id, event.type, data, metadata, recordedAt).lastInsertRowid);
      }
      this.statements.release.run();
      return { ok: true, result: { nextExpectedRevision: (head ? head.revision : -1) + append.events.length, position } };
    } catch (error) {
      this.statements.rollbackToSavepoint.run();
      this.statements.release.run();
      if (isUnavailable(error)) throw error;
      return { ok: false, error: error instanceof TypeError ? new TypeError(`events for ${append.streamName} are not JSON: ${error.message}`) : error };
    }
  }
}
