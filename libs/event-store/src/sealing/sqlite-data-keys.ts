import type Database from 'better-sqlite3';
import { EventStoreUnavailableError } from '../errors';
import { isSqliteFileFault } from '../sqlite/file-fault';
import { truncateWal } from '../sqlite/wal';
import type { DataKey } from './data-keys';

/**
 * The data-key table, in the embedded log's file (events.db) or a key store
 * file of its own (keys.db). Keys are written with the log's commits, so
 * their pages are fsynced with it: ids are UUIDv7 and the table is clustered
 * on them (WITHOUT ROWID), so a commit's new keys land on the last page
 * rather than dirtying pages all over an index.
 */
export const DATA_KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS data_keys (
  id         TEXT PRIMARY KEY,
  subject    TEXT NOT NULL,
  key        BLOB NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS data_keys_by_subject ON data_keys (subject, created_at);
`;

/** A key as a row: what crosses to a writer thread (a Buffer arrives there as a Uint8Array). */
export interface DataKeyRow {
  readonly id: string;
  readonly subject: string;
  readonly key: Uint8Array;
  readonly createdAt: string;
}

interface Stored {
  readonly id: string;
  readonly subject: string;
  readonly key: Buffer;
}
const toKey = (row: Stored | undefined): DataKey | undefined => row && { id: row.id, subject: row.subject, key: row.key };

/** A fault of the file: the key store is unavailable (503), not broken. */
const reachable = <T>(use: () => T): T => {
  try {
    return use();
  } catch (error) {
    if (isSqliteFileFault(error)) {
      throw new EventStoreUnavailableError(`key store cannot erase: ${(error as Error).message}`, { cause: error });
    }
    throw error;
  }
};

/** Reads and deletes on one connection; writes of new keys are the owner's (SqliteEventStore's writer, or SqliteDataKeyStore). */
export const dataKeyStatements = (db: Database.Database) => {
  const bySubject = db.prepare<[string], Stored>('SELECT id, subject, key FROM data_keys WHERE subject = ? ORDER BY created_at DESC LIMIT 1');
  const byId = db.prepare<[string], Stored>('SELECT id, subject, key FROM data_keys WHERE id = ?');
  const erase = db.prepare<[string]>('DELETE FROM data_keys WHERE subject = ?');
  const subjects = db.prepare<[], string>('SELECT subject FROM data_keys').pluck();
  return {
    /** Every subject with a key, for a SubjectFilter (an index-only scan). */
    subjects: (): IterableIterator<string> => subjects.iterate(),
    bySubject: (subject: string): DataKey | undefined => toKey(bySubject.get(subject)),
    byId: (id: string): DataKey | undefined => toKey(byId.get(id)),
    /**
     * Deletes the subject's keys for good: committed with a full fsync (this
     * connection is otherwise a reader, at NORMAL), `secure_delete`
     * overwrites the freed bytes, and a checkpoint copies the overwritten
     * pages back and empties the WAL, which held the page as it was. A reader
     * of an older snapshot (another process) can hold the checkpoint up: it
     * is retried in the background until it completes.
     */
    erase: (subject: string): number => {
      const erased = reachable(() => {
        db.pragma('synchronous = FULL');
        db.pragma('secure_delete = ON');
        return erase.run(subject).changes;
      });
      truncateWal(db);
      return erased;
    },
  };
};

export const insertDataKeys = (db: Database.Database) => {
  const insert = db.prepare('INSERT OR IGNORE INTO data_keys (id, subject, key, created_at) VALUES (?, ?, ?, ?)');
  return (rows: readonly DataKeyRow[]): void => rows.forEach((row) => insert.run(row.id, row.subject, Buffer.from(row.key.buffer, row.key.byteOffset, row.key.byteLength), row.createdAt));
};
