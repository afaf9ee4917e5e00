import type Database from 'better-sqlite3';
import { EventStoreUnavailableError } from '../errors';
import { isSqliteFileFault } from '../sqlite/file-fault';
import { truncateWal } from '../sqlite/wal';
import { ERASURE_FENCE_MS, type DataKey } from './data-keys';

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
CREATE TABLE IF NOT EXISTS erasure_fences (
  subject TEXT NOT NULL,
  erasure TEXT NOT NULL,
  until   TEXT NOT NULL,
  PRIMARY KEY (subject, erasure)
) WITHOUT ROWID;
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
  const fence = db.prepare<[string, string, string]>('INSERT OR REPLACE INTO erasure_fences (subject, erasure, until) VALUES (?, ?, ?)');
  const fenced = db.prepare<[string, string], number>('SELECT 1 FROM erasure_fences WHERE subject = ? AND until > ? LIMIT 1').pluck();
  const unfence = db.prepare<[string, string]>('DELETE FROM erasure_fences WHERE subject = ? AND erasure = ?');
  const subjects = db.prepare<[], string>('SELECT subject FROM data_keys').pluck();
  return {
    /** Every subject with a key, for a SubjectFilter (an index-only scan). */
    subjects: (): IterableIterator<string> => subjects.iterate(),
    bySubject: (subject: string): DataKey | undefined => toKey(bySubject.get(subject)),
    byId: (id: string): DataKey | undefined => toKey(byId.get(id)),
    /** An erasure of the subject is under way (here or in another process): no key may be given out. */
    fenced: (subject: string): boolean => fenced.get(subject, new Date().toISOString()) !== undefined,
    endErasure: (subject: string, erasure: string): void => {
      reachable(() => unfence.run(subject, erasure));
    },
    /**
     * Fences the subject (see DataKeyStore.erase) and deletes its keys for good: committed with a full fsync (this
     * connection is otherwise a reader, at NORMAL), `secure_delete`
     * overwrites the freed bytes, and a checkpoint copies the overwritten
     * pages back and empties the WAL, which held the page as it was. A reader
     * of an older snapshot (another process) can hold the checkpoint up: it
     * is retried in the background until it completes.
     */
    erase: (subject: string, erasure: string): number => {
      const erased = reachable(() => {
        db.pragma('synchronous = FULL');
        db.pragma('secure_delete = ON');
        return db.transaction(() => {
          fence.run(subject, erasure, new Date(Date.now() + ERASURE_FENCE_MS).toISOString());
          return erase.run(subject).changes;
        })();
      });
      truncateWal(db);
      return erased;
    },
  };
};

/**
 * Writes keys given out earlier, in the caller's transaction; not one whose
 * subject an erasure has fenced since (in this process or another: the
 * fence and the deletion commit together, so a key is either deleted by
 * the erasure or never written). What was sealed with it reads as erased.
 */
export const insertDataKeys = (db: Database.Database) => {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO data_keys (id, subject, key, created_at)
     SELECT @id, @subject, @key, @createdAt WHERE NOT EXISTS (SELECT 1 FROM erasure_fences WHERE subject = @subject AND until > @now)`,
  );
  return (rows: readonly DataKeyRow[]): void => {
    const now = new Date().toISOString();
    rows.forEach(({ id, subject, key, createdAt }) => insert.run({ id, subject, key: Buffer.from(key.buffer, key.byteOffset, key.byteLength), createdAt, now }));
  };
};
