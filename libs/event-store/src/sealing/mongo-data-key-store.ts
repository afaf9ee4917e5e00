import { Binary, type Collection, type Db } from 'mongodb';
import { ErasureInProgressError, EventStoreUnavailableError } from '../errors';
import { randomBytes, uuidv7 } from '../ids';
import { MongoConnection } from '../mongodb-connection';
import { DATA_KEY_BYTES, ERASURE_FENCE_MS, type DataKey, type DataKeyStore } from './data-keys';

interface KeyDocument {
  readonly _id: string;
  readonly subject: string;
  readonly key: Binary;
  readonly createdAt: Date;
}
/** An erasure under way (DataKeyStore.erase), by its id: the subject is given no key until it ends. */
interface FenceDocument {
  readonly _id: string;
  readonly subject: string;
  readonly until: Date;
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
    return this.keys(async (keys, fences) => {
      if (!this.indexed) {
        await keys.createIndex({ subject: 1, createdAt: -1 });
        this.indexed = true;
      }
      const fenced = async () => (await fences.findOne({ subject, until: { $gt: new Date() } })) !== null;
      const [stored, erasing] = await Promise.all([keys.findOne({ subject }, { sort: { createdAt: -1 } }), fenced()]);
      if (erasing) throw new ErasureInProgressError(subject);
      // A key found is deleted by an erasure fenced after this look, with everything sealed under it.
      if (stored) return toKey(stored) as DataKey;
      const key: DataKey = { id: uuidv7(), subject, key: randomBytes(DATA_KEY_BYTES) };
      await keys.insertOne({ _id: key.id, subject, key: new Binary(key.key), createdAt: new Date() });
      // An erasure in another process may have fenced and deleted between the look and the insert: the fence is
      // written before the delete, so it is seen now, and the key the delete missed goes too.
      if (await fenced()) {
        await keys.deleteOne({ _id: key.id });
        throw new ErasureInProgressError(subject);
      }
      return key;
    });
  }

  find(id: string): Promise<DataKey | undefined> {
    return this.keys(async (keys) => toKey(await keys.findOne({ _id: id })));
  }

  erase(subject: string, erasure: string): Promise<number> {
    // After the keys looked up or made before it (their inserts must not land after the delete), before any asked after.
    return this.inTurn(subject, 'erase', () =>
      this.keys(async (keys, fences) => {
        // The fence before the deletion: a key inserted after the deletion then sees it (lookUpOrMake).
        await fences.updateOne({ _id: erasure }, { $set: { subject, until: new Date(Date.now() + ERASURE_FENCE_MS) } }, { upsert: true });
        return (await keys.deleteMany({ subject })).deletedCount;
      }),
    );
  }

  endErasure(_subject: string, erasure: string): Promise<void> {
    return this.keys(async (_, fences) => {
      await fences.deleteOne({ _id: erasure });
    });
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private keys<T>(use: (keys: Collection<KeyDocument>, fences: Collection<FenceDocument>) => Promise<T>): Promise<T> {
    const durably = { writeConcern: { w: 'majority' as const, journal: true } };
    return this.connection.run((db: Db) => use(db.collection<KeyDocument>('data_keys', durably), db.collection<FenceDocument>('data_key_fences', durably)), unavailable);
  }
}
