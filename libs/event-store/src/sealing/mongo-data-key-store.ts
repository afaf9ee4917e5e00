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
   * Keys being looked up or made, by subject: concurrent requests for one subject (the events of one append, sealed
   * at once) share one key, and an erasure waits for them. Another process can still make a second key for the
   * same subject; that one is found by id, and erased with the rest.
   */
  private readonly making = new Map<string, Promise<DataKey>>();
  /** Erasures under way, by subject: a key asked for meanwhile is made after, not handed the one being erased. */
  private readonly erasing = new Map<string, Promise<void>>();

  private constructor(private readonly connection: MongoConnection) {}

  static connect(uri: string): MongoDataKeyStore {
    return new MongoDataKeyStore(new MongoConnection(uri));
  }

  keyFor(subject: string): Promise<DataKey> {
    const making = this.making.get(subject);
    if (making) return making;
    const erasing = this.erasing.get(subject);
    const made: Promise<DataKey> = (erasing ? erasing.then(() => this.lookUpOrMake(subject)) : this.lookUpOrMake(subject)).finally(() => {
      if (this.making.get(subject) === made) this.making.delete(subject);
    });
    this.making.set(subject, made);
    return made;
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

  async erase(subject: string): Promise<number> {
    // A key still being made is erased too: its insert must not land after the delete. An erasure already under way
    // is waited for as well, so no key made after it can meet its delete.
    const making = this.making.get(subject);
    const prior = this.erasing.get(subject);
    this.making.delete(subject);
    const erased = (async () => {
      await Promise.all([making?.catch(() => undefined), prior]);
      return this.keys(async (keys) => (await keys.deleteMany({ subject })).deletedCount);
    })();
    const settled = erased.then(
      () => undefined,
      () => undefined,
    );
    this.erasing.set(subject, settled);
    try {
      return await erased;
    } finally {
      if (this.erasing.get(subject) === settled) this.erasing.delete(subject);
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private keys<T>(use: (keys: Collection<KeyDocument>) => Promise<T>): Promise<T> {
    const collection = (db: Db) => db.collection<KeyDocument>('data_keys', { writeConcern: { w: 'majority', journal: true } });
    return this.connection.run((db) => use(collection(db)), unavailable);
  }
}
