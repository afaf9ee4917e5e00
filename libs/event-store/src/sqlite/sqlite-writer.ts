import Database from 'better-sqlite3';
import type { EventToAppend, ExpectedRevision, Revision } from '../event-store';
import { chainEvents, type StreamHead } from '../hash-chain';
import { checkExpectedRevision } from '../expected-revision';
import { isSqliteFileFault } from './file-fault';
import { insertDataKeys, type DataKeyRow } from '../sealing/sqlite-data-keys';

export interface SqliteWriterOptions {
  readonly file: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly walAutocheckpointPages?: number;
}

/** An event as its row stores it: numbered, chained, serialised. */
export interface EventRow {
  readonly revision: Revision;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export const toRows = (streamName: string, head: StreamHead | undefined, events: readonly EventToAppend[]): EventRow[] =>
  chainEvents(streamName, head, events).map((event) => ({
    revision: event.revision,
    id: event.id,
    type: event.type,
    data: JSON.stringify(event.data),
    metadata: JSON.stringify(event.metadata),
  }));

/** One append as it crosses to the writer: the events as JSON text, which the writer chains after the head it reads. */
export interface AppendRequest {
  readonly streamName: string;
  readonly expected: ExpectedRevision;
  readonly events: string;
}

export type AppendOutcome =
  | { readonly ok: true; readonly nextExpectedRevision: Revision; readonly position: number }
  | { readonly ok: false; readonly actual: Revision | 'no_stream' }
  | { readonly ok: false; readonly error: string };

/** A whole batch's fate: each append's outcome, or a fault of the file that refused them all. */
export type BatchOutcome =
  | { readonly outcomes: readonly AppendOutcome[] }
  | { readonly unavailable: string }
  | { readonly failed: string };

const messageOf = (error: unknown): string => String((error as { message?: unknown } | null)?.message ?? error);

/**
 * The log's only write connection in this process: on the caller's thread
 * (the api), or in a worker thread (sqlite-writer.worker.ts) for a process
 * that appends a great deal (the import), whose own thread then prepares the
 * next appends while a batch waits for its fsync (see SqliteEventStoreOptions.writerThread).
 *
 * Group commit: the appends of one batch are written in one transaction and
 * made durable by one fsync, yet each keeps its own atomicity and its own
 * conflict result (a savepoint each, see appendOne).
 */
export class SqliteWriter {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly insertKeys;

  /** The store that starts this writer has created the schema. */
  constructor(options: SqliteWriterOptions) {
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous}`);
    this.db.pragma('busy_timeout = 5000');
    if (options.walAutocheckpointPages !== undefined) this.db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(options.walAutocheckpointPages))}`);
    this.statements = {
      head: this.db.prepare<[string], { revision: number; hash: string }>(
        `SELECT revision, json_extract(metadata, '$.hash') AS hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1`,
      ),
      insert: this.db.prepare(
        `INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      savepoint: this.db.prepare('SAVEPOINT append'),
      release: this.db.prepare('RELEASE append'),
      rollbackToSavepoint: this.db.prepare('ROLLBACK TO append'),
    };
    this.insertKeys = insertDataKeys(this.db);
  }

  /** The connection's durability settings, as SQLite reports them. */
  settings(): { readonly synchronous: number; readonly walAutocheckpoint: number } {
    return {
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
      walAutocheckpoint: this.db.pragma('wal_autocheckpoint', { simple: true }) as number,
    };
  }

  /** Commits the batch, and with it `keys`: data keys given out since the last commit, so no event sealed with one commits without it. */
  append(batch: readonly AppendRequest[], keys: readonly DataKeyRow[] = []): BatchOutcome {
    try {
      const recordedAt = new Date().toISOString();
      this.statements.begin.run();
      this.insertKeys(keys);
      const outcomes = batch.map((append) => this.appendOne(append, recordedAt));
      this.statements.commit.run();
      return { outcomes };
    } catch (error) {
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // The connection undoes an unfinished transaction itself; the appends are refused either way.
      }
      return isSqliteFileFault(error) ? { unavailable: messageOf(error) } : { failed: messageOf(error) };
    }
  }

  close(): void {
    this.db.close();
  }

  /**
   * One append inside the shared transaction, in a savepoint of its own: its
   * conflict or a fault of its own (a row too big) undoes only its inserts. A
   * fault of the file (I/O, disk full) fails the whole batch, which append rolls back.
   */
  private appendOne(append: AppendRequest, recordedAt: string): AppendOutcome {
    const headRow = this.statements.head.get(append.streamName);
    const head: StreamHead | undefined = headRow ? { revision: headRow.revision, hash: headRow.hash } : undefined;
    const conflict = checkExpectedRevision(append.streamName, append.expected, head?.revision);
    if (conflict) return { ok: false, actual: conflict.actual };
    this.statements.savepoint.run();
    try {
      const rows = toRows(append.streamName, head, JSON.parse(append.events) as EventToAppend[]);
      let position = 0;
      for (const row of rows) {
        const inserted = this.statements.insert.run(append.streamName, row.revision, row.id, row.type, row.data, row.metadata, recordedAt);
        position = Number(inserted.lastInsertRowid);
      }
      this.statements.release.run();
      return { ok: true, nextExpectedRevision: (head ? head.revision : -1) + rows.length, position };
    } catch (error) {
      // A fault of the file fails the batch as one; SQLite may already have rolled the whole transaction back, savepoint and all.
      if (isSqliteFileFault(error)) throw error;
      this.statements.rollbackToSavepoint.run();
      this.statements.release.run();
      return { ok: false, error: messageOf(error) };
    }
  }
}
