import { Binary, type Collection, type Db } from 'mongodb';
import { EventStoreUnavailableError } from '../errors';
import { randomBytes, uuidv7 } from '../ids';
import { MongoConnection } from '../mongodb-connection';
import { DATA_KEY_BYTES, type DataKey, type DataKeyStore } from './data-keys';

interface KeyDocument {
  readonly _id: string;
  readonly subject: string;
  readonly key: Binary;
  readonly createdAt: Date;
}
const toKey = (document: KeyDocument | null): DataKey | undefined =>
  document ? { id: document._id, subject: document.subject, key: Buffer.from(document.key.buffer) } : undefined;

const unavailable = (message: string, cause: unknown) => new EventStoreUnavailableError(`key store: ${message}`, { cause });

/**
 * The production key store: the `data_keys` collection of the read-model
 * database. A new key is written with majority write concern and journaled
 * before anything is sealed with it.
 */
export class MongoDataKeyStore implements DataKeyStore {
  private indexed = false;
  /**
   * The last operation under way on each subject's keys; each waits for the one before it. Concurrent requests for
   * a key (the events of one append, sealed at once) share the one at the end; an erasure deletes every key looked
   * up or made before it, and a key asked for after it is a new one. Another process can still make a second key
   * for the same subject; that one is found by id, and erased with the rest.
   */
  private readonly latest = new Map<string, { readonly kind: 'key' | 'erase'; readonly done: Promise<unknown> }>();

  private constructor(private readonly connection: MongoConnection) {}

  static connect(uri: string): MongoDataKeyStore {
    return new MongoDataKeyStore(new MongoConnection(uri));
  }

  keyFor(subject: string): Promise<DataKey> {
    const last = this.latest.get(subject);
    if (last?.kind === 'key') return last.done as Promise<DataKey>;
    return this.inTurn(subject, 'key', () => this.lookUpOrMake(subject));
  }

  /** Runs `operation` once the subject's last operation has settled, as the subject's last operation meanwhile. */
  private inTurn<T>(subject: string, kind: 'key' | 'erase', operation: () => Promise<T>): Promise<T> {
    const before = this.latest.get(subject)?.done.catch(() => undefined) ?? Promise.resolve();
    const done = before.then(operation);
    const entry = { kind, done };
    this.latest.set(subject, entry);
    const settled = () => {
      if (this.latest.get(subject) === entry) this.latest.delete(subject);
    };
    done.then(settled, settled);
    return done;
  }

  private lookUpOrMake(subject: string): Promise<DataKey> {
    return this.keys(async (keys) => {
      if (!this.indexed) {
        await keys.createIndex({ subject: 1, createdAt: -1 });
        this.indexed = true;
      }
      const stored = toKey(await keys.findOne({ subject }, { sort: { createdAt: -1 } }));
      if (stored) return stored;
      const key: DataKey = { id: uuidv7(), subject, key: randomBytes(DATA_KEY_BYTES) };
      await keys.insertOne({ _id: key.id, subject, key: new Binary(key.key), createdAt: new Date() });
      return key;
    });
  }

  find(id: string): Promise<DataKey | undefined> {
    return this.keys(async (keys) => toKey(await keys.findOne({ _id: id })));
  }

  erase(subject: string): Promise<number> {
    // After the keys looked up or made before it (their inserts must not land after the delete), before any asked after.
    return this.inTurn(subject, 'erase', () => this.keys(async (keys) => (await keys.deleteMany({ subject })).deletedCount));
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private keys<T>(use: (keys: Collection<KeyDocument>) => Promise<T>): Promise<T> {
    const collection = (db: Db) => db.collection<KeyDocument>('data_keys', { writeConcern: { w: 'majority', journal: true } });
    return this.connection.run((db) => use(collection(db)), unavailable);
  }
}
