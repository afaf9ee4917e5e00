import Database from 'better-sqlite3';
import { ErasureInProgressError, EventStoreUnavailableError } from '../errors';
import { randomBytes, uuidv7 } from '../ids';
import { DATA_KEY_BYTES, type DataKey, type DataKeyStore } from './data-keys';
import { DATA_KEYS_SCHEMA, dataKeyStatements, insertDataKeys } from './sqlite-data-keys';

/**
 * A key store file of its own (`keys.db`), for a log that is not the
 * embedded one (EventStoreDB with SQLite read models). A new key is
 * committed durably (FULL; one fsync for the keys made in one turn of the
 * event loop) before it is given out. The embedded log keeps its keys in its
 * own file instead (SqliteEventStore.dataKeys), at no fsync of their own.
 */
export class SqliteDataKeyStore implements DataKeyStore {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly insert;
  /** Keys made in this turn, committed together; by subject, so two events of one subject share one key. */
  private pending = new Map<string, { readonly key: DataKey; readonly committed: Promise<DataKey>; readonly settle: (error?: Error) => void }>();

  constructor(file: string) {
    this.db = new Database(file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(DATA_KEYS_SCHEMA);
    } catch (error) {
      this.db.close();
      throw new EventStoreUnavailableError(`key store cannot open ${file}: ${(error as Error).message}`, { cause: error });
    }
    this.statements = dataKeyStatements(this.db);
    this.insert = insertDataKeys(this.db);
  }

  keyFor(subject: string): Promise<DataKey> {
    if (this.statements.fenced(subject)) return Promise.reject(new ErasureInProgressError(subject));
    const stored = this.statements.bySubject(subject);
    if (stored) return Promise.resolve(stored);
    const pending = this.pending.get(subject);
    if (pending) return pending.committed;
    const key: DataKey = { id: uuidv7(), subject, key: randomBytes(DATA_KEY_BYTES) };
    let settle: (error?: Error) => void = () => undefined;
    const committed = new Promise<DataKey>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve(key))));
    if (this.pending.size === 0) setImmediate(() => this.commit());
    this.pending.set(subject, { key, committed, settle });
    return committed;
  }

  find(id: string): Promise<DataKey | undefined> {
    return Promise.resolve(this.statements.byId(id));
  }

  erase(subject: string, erasure: string): Promise<number> {
    // Keys made in this turn are committed first, so the delete cannot come before their insert.
    if (this.pending.size > 0) this.commit();
    return Promise.resolve(this.statements.erase(subject, erasure));
  }

  endErasure(subject: string, erasure: string): Promise<void> {
    this.statements.endErasure(subject, erasure);
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.pending.size > 0) this.commit();
    this.db.close();
  }

  private commit(): void {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const createdAt = new Date().toISOString();
    try {
      this.db.transaction(() => this.insert(batch.map(({ key }) => ({ ...key, createdAt }))))();
      batch.forEach(({ settle }) => settle());
    } catch (error) {
      const refused = new EventStoreUnavailableError(`key store cannot write: ${(error as Error).message}`, { cause: error });
      batch.forEach(({ settle }) => settle(refused));
    }
  }
}
