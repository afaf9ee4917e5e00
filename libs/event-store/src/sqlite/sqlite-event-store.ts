import Database from 'better-sqlite3';
import { EventEmitter, once } from 'node:events';
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
import { AppendOutcomeUnknownError, ErasureInProgressError, EventStoreUnavailableError, WrongExpectedRevisionError } from '../errors';
import { followLog, type LogSignal } from '../log-follower';
import { assertAppendable, assertReadable } from '../expected-revision';
import { SCHEMA } from './schema';
import { randomBytes, uuidv7 } from '../ids';
import { DATA_KEY_BYTES, type DataKey, type DataKeyStore } from '../sealing/data-keys';
import { DATA_KEYS_SCHEMA, dataKeyStatements, type DataKeyRow } from '../sealing/sqlite-data-keys';
import { SubjectFilter } from '../sealing/subject-filter';
import { type AppendOutcome, type AppendRequest, type BatchOutcome } from './sqlite-writer';
import { inlineWriter, threadWriter, type WriterHost } from './sqlite-writer-host';

export interface SqliteEventStoreOptions {
  /** File path: a file, not ':memory:', since the writer opens a connection of its own. */
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
   * commits is then copied once, at the price of a longer wait for the appends
   * of the commit that copies, which is why the api keeps the default.
   */
  readonly walAutocheckpointPages?: number;
  /**
   * Commit in a worker thread, for a process that appends a great deal (the
   * import): its own thread prepares the next appends while a batch waits for
   * its fsync. Off by default: a hop to the thread and back costs more per
   * commit than it frees when few appends wait (bench/event-store), and the
   * thread's heap costs the api its memory budget.
   */
  readonly writerThread?: boolean;
}

/** What settling an append needs once its events are the writer's: whom to tell, and what an error names. */
interface Waiter {
  readonly streamName: string;
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** An append not yet sent to the writer. */
interface PendingAppend {
  readonly request: AppendRequest;
  readonly waiter: Waiter;
}

/**
 * A batch sent to the writer: who waits for it, and the keys it carries. Not
 * its events: their text is the writer's once posted, and keeping it here
 * until the commit would carry every append in flight through this thread's
 * young-generation collections into its old generation.
 */
interface SentBatch {
  readonly waiters: readonly Waiter[];
  readonly keys: readonly DataKeyRow[];
}

const keyOf = (row: DataKeyRow): DataKey => ({ id: row.id, subject: row.subject, key: Buffer.from(row.key) });

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

const settle = (batch: readonly Waiter[], outcome: BatchOutcome): boolean => {
  if ('unavailable' in outcome) {
    const failure = new EventStoreUnavailableError(`event store cannot write: ${outcome.unavailable}`);
    batch.forEach((waiter) => waiter.reject(failure));
    return false;
  }
  if ('failed' in outcome) {
    batch.forEach((waiter) => waiter.reject(new Error(`event store cannot write: ${outcome.failed}`)));
    return false;
  }
  batch.forEach(({ streamName, expected, resolve, reject }, i) => {
    const result = outcome.outcomes[i] as AppendOutcome;
    if (result.ok) resolve({ nextExpectedRevision: result.nextExpectedRevision, position: result.position });
    else if ('actual' in result) reject(new WrongExpectedRevisionError(streamName, expected, result.actual));
    else reject(new Error(`events for ${streamName} could not be stored: ${result.error}`));
  });
  return true;
};

/**
 * Whether the file holds an embedded log (its `events` table), looked at
 * read-only: opening a store on an empty or foreign file would create the
 * schema in it. A file that is not SQLite at all holds none either.
 */
export const holdsEventLog = (file: string): boolean => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'`).get() !== undefined;
  } catch (error) {
    // Not an SQLite file at all: no log either.
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB') return false;
    throw error;
  } finally {
    db.close();
  }
};

/**
 * SQLite's errors do not say which file they are about; the operator needs to know. (Its class and code stay; by
 * shape, not `instanceof Error`: under jest better-sqlite3's errors may come from another test file's realm.)
 */
const naming = (file: string, error: unknown): unknown => {
  const { message } = (error ?? {}) as { message?: unknown };
  if (typeof message === 'string' && !message.includes(file)) (error as { message: string }).message = `${file}: ${message}`;
  return error;
};

/**
 * The embedded event store: one SQLite file in WAL mode, one table with a
 * global autoincrement position and a unique (stream, revision).
 *
 * Reads run on the caller's thread; appends go to the writer (SqliteWriter),
 * which owns the write connection, on this thread or its own. One batch is in
 * flight at a time (two with a writer thread, see maxInFlight): appends that
 * arrive meanwhile make up the next batch, so the busier the store, the more
 * each fsync carries. An append is acknowledged only after its commit is
 * durable.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly writer: WriterHost;
  private readonly queue: PendingAppend[] = [];
  /** Batches sent to the writer, answered in order. */
  private readonly inFlight: SentBatch[] = [];
  /** Data keys given out and not yet committed, by id and by subject: every batch carries them (see dataKeys). */
  private readonly unsavedKeys = new Map<string, DataKeyRow>();
  private readonly unsavedKeysBySubject = new Map<string, DataKeyRow>();
  private flushScheduled = false;
  /** Why appends are refused: the store is closing, or its writer is gone. */
  private refusal?: Error;
  private closing?: Promise<void>;
  private commits = 0;
  /** Batches the writer has answered, committed or not. */
  private answered = 0;
  private readonly committed = new EventEmitter();
  private readonly maxBatch: number;
  /**
   * Batches sent and not yet answered. A writer thread gets the next batch
   * while it commits one, so it never waits for this thread to be free to
   * send; the inline writer answers each batch as it is sent.
   */
  private readonly maxInFlight: number;
  private readonly pollMs: number;
  private readonly statements;
  private readonly keys;
  private readonly subscriptions = new Set<Subscription>();

  constructor(options: SqliteEventStoreOptions) {
    try {
      this.db = new Database(options.file);
    } catch (error) {
      throw naming(options.file, error);
    }
    try {
      const mode = this.db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`${options.file}: SQLite refused WAL mode (got ${String(mode)})`);
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
      this.db.exec(DATA_KEYS_SCHEMA);
    } catch (error) {
      // A store that cannot start (a full disk refuses the WAL, a file that is not a database) leaves no connection open behind it.
      this.db.close();
      throw naming(options.file, error);
    }
    this.maxBatch = options.maxBatch ?? 512;
    this.maxInFlight = options.writerThread ? 2 : 1;
    this.pollMs = options.pollMs ?? 250;
    this.committed.setMaxListeners(0);
    this.statements = {
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
    };
    this.keys = dataKeyStatements(this.db);
    const host = options.writerThread ? threadWriter : inlineWriter;
    const writerOptions = {
      file: options.file,
      synchronous: options.synchronous ?? 'FULL',
      ...(options.walAutocheckpointPages === undefined ? {} : { walAutocheckpointPages: options.walAutocheckpointPages }),
    } as const;
    this.writer = host(writerOptions, { onOutcome: (outcome) => this.onAppended(outcome), onFailure: (error) => this.refuse(error) });
  }

  async appendToStream(streamName: string, events: readonly EventToAppend[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    assertAppendable(streamName, events, expected);
    let request: AppendRequest;
    try {
      // The writer chains the events as the store keeps them: as JSON, read back.
      request = { streamName, expected, events: JSON.stringify(events) };
    } catch (error) {
      throw new TypeError(`events for ${streamName} are not JSON: ${(error as Error).message}`);
    }
    if (this.refusal) throw this.refusal;
    return new Promise((resolve, reject) => {
      this.queue.push({ request, waiter: { streamName, expected, resolve, reject } });
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

  /**
   * The key store of the embedded log: data keys in its own file
   * (`data_keys`), written by its writer. A new key is given out at once and
   * committed with the next batch, which every event sealed with it is in or
   * after; a batch that fails leaves it for the next one. So no event commits
   * without its key, and a key costs no fsync of its own. (One given out but
   * never used may be lost in a crash, harmlessly.) Closed with the log.
   */
  dataKeys(): DataKeyStore {
    const known = new SubjectFilter(Number((this.db.prepare('SELECT COUNT(*) FROM data_keys').pluck().get() as number) ?? 0));
    for (const subject of this.keys.subjects()) known.add(subject);
    return {
      keyFor: async (subject) => {
        if (this.keys.fenced(subject)) throw new ErasureInProgressError(subject);
        const unsaved = this.unsavedKeysBySubject.get(subject);
        const existing = unsaved ? keyOf(unsaved) : known.mightHave(subject) ? this.keys.bySubject(subject) : undefined;
        if (existing) return existing;
        if (this.refusal) throw this.refusal;
        const row: DataKeyRow = { id: uuidv7(), subject, key: randomBytes(DATA_KEY_BYTES), createdAt: new Date().toISOString() };
        this.unsavedKeys.set(row.id, row);
        this.unsavedKeysBySubject.set(subject, row);
        known.add(subject);
        return keyOf(row);
      },
      find: async (id) => {
        const row = this.unsavedKeys.get(id);
        return row ? keyOf(row) : this.keys.byId(id);
      },
      erase: async (subject, erasure) => {
        const unsaved = this.unsavedKeysBySubject.get(subject);
        if (unsaved) this.forgetUnsaved(unsaved);
        const sent = unsaved !== undefined && this.inFlight.some((batch) => batch.keys.includes(unsaved));
        // Fenced from here: a batch the writer commits after this leaves the subject's key out (insertDataKeys).
        const erased = this.keys.erase(subject, erasure);
        if (!sent) return erased + (unsaved ? 1 : 0);
        // A batch on its way to the writer carries the subject's new key: it is answered before the fence can be
        // lifted. The key was written before the fence (and the deletion took it) or is left out: either way, erased.
        await this.inFlightAnswered();
        return Math.max(1, erased);
      },
      endErasure: async (subject, erasure) => this.keys.endErasure(subject, erasure),
      close: async () => undefined,
    };
  }

  /** Resolves once every batch now in flight has been answered (committed, refused, or given up). */
  private async inFlightAnswered(): Promise<void> {
    const target = this.answered + this.inFlight.length;
    while (this.answered < target && !this.refusal) await once(this.committed, 'answered');
  }

  private forgetUnsaved(row: DataKeyRow): void {
    this.unsavedKeys.delete(row.id);
    if (this.unsavedKeysBySubject.get(row.subject) === row) this.unsavedKeysBySubject.delete(row.subject);
  }

  /** Lets queued appends finish, ends every subscription, stops the writer, then closes the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.queue.length > 0 && !this.refusal) this.send(this.queue.splice(0, this.maxBatch));
      this.refusal ??= new Error('the event store is closed');
      await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
      this.subscriptions.clear();
      await this.writer.stop();
      this.db.close();
    })();
    return this.closing;
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
    if (this.flushScheduled || this.inFlight.length >= this.maxInFlight) return;
    this.flushScheduled = true;
    // Appends made in the same turn of the event loop go in one batch.
    setImmediate(() => {
      this.flushScheduled = false;
      while (this.inFlight.length < this.maxInFlight && this.queue.length > 0 && !this.closing) this.send(this.queue.splice(0, this.maxBatch));
    });
  }

  private send(appends: PendingAppend[]): void {
    const keys = [...this.unsavedKeys.values()];
    this.inFlight.push({ waiters: appends.map((append) => append.waiter), keys });
    this.writer.post(
      appends.map((append) => append.request),
      keys,
    );
  }

  private onAppended(outcome: BatchOutcome): void {
    const { waiters, keys } = this.inFlight.shift() ?? { waiters: [], keys: [] };
    this.answered += 1;
    this.committed.emit('answered');
    if (settle(waiters, outcome)) {
      keys.forEach((key) => this.forgetUnsaved(key));
      this.commits += 1;
      this.committed.emit('commit');
    }
    // What queued while this batch was committed is the next batch, sent on the next turn of the event loop
    // (an inline writer would otherwise drain the whole queue in one recursion, with no turn between fsyncs).
    if (this.queue.length > 0) this.scheduleFlush();
  }

  /**
   * From now on every append fails with `error`, including those waiting. A
   * batch the writer had already been sent may have been committed before it
   * stopped: its appends fail with AppendOutcomeUnknownError instead.
   */
  private refuse(error: Error): void {
    this.refusal ??= error;
    const unknown = new AppendOutcomeUnknownError(`${error.message}; the append may have been written: read the stream before retrying`, { cause: error });
    for (const { waiters } of this.inFlight.splice(0)) waiters.forEach((waiter) => waiter.reject(unknown));
    this.committed.emit('answered');
    this.queue.splice(0).forEach((append) => append.waiter.reject(error));
  }
}
