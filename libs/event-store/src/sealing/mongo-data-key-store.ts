import { randomBytes } from 'node:crypto';
import { Binary, MongoClient, MongoNetworkError, MongoServerSelectionError, type Collection } from 'mongodb';
import { EventStoreUnavailableError } from '../errors';
import { uuidv7 } from '../ids';
import { DATA_KEY_BYTES, type DataKey, type DataKeyStore } from './data-keys';

interface KeyDocument {
  readonly _id: string;
  readonly subject: string;
  readonly key: Binary;
  readonly createdAt: Date;
}
const toKey = (document: KeyDocument | null): DataKey | undefined =>
  document ? { id: document._id, subject: document.subject, key: Buffer.from(document.key.buffer) } : undefined;

/** MongoDB out of reach: the same 503 as a log that cannot write. */
const reachable = async <T>(use: () => Promise<T>): Promise<T> => {
  try {
    return await use();
  } catch (error) {
    if (error instanceof MongoServerSelectionError || error instanceof MongoNetworkError) {
      throw new EventStoreUnavailableError(`key store unreachable: ${error.message}`, { cause: error });
    }
    throw error;
  }
};

/**
 * The production key store: the `data_keys` collection of the read-model
 * database. A new key is written with majority write concern and journaled
 * before anything is sealed with it.
 */
export class MongoDataKeyStore implements DataKeyStore {
  private indexed?: Promise<string>;

  private constructor(
    private readonly client: MongoClient,
    private readonly keys: Collection<KeyDocument>,
  ) {}

  static connect(uri: string): MongoDataKeyStore {
    // The driver connects on first use; a store that is down fails that call, not start-up.
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
    const keys = client.db().collection<KeyDocument>('data_keys', { writeConcern: { w: 'majority', journal: true } });
    return new MongoDataKeyStore(client, keys);
  }

  keyFor(subject: string): Promise<DataKey> {
    return reachable(async () => {
      this.indexed ??= this.keys.createIndex({ subject: 1, createdAt: -1 });
      await this.indexed;
      const stored = toKey(await this.keys.findOne({ subject }, { sort: { createdAt: -1 } }));
      if (stored) return stored;
      const key: DataKey = { id: uuidv7(), subject, key: randomBytes(DATA_KEY_BYTES) };
      await this.keys.insertOne({ _id: key.id, subject, key: new Binary(key.key), createdAt: new Date() });
      return key;
    });
  }

  find(id: string): Promise<DataKey | undefined> {
    return reachable(async () => toKey(await this.keys.findOne({ _id: id })));
  }

  erase(subject: string): Promise<number> {
    return reachable(async () => (await this.keys.deleteMany({ subject })).deletedCount);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
