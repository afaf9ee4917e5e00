import { MongoConnection } from '@redress/event-store';
import type { AnyBulkWriteOperation, Db, Filter as MongoFilter, MongoClient, Document as MongoDocument, Sort as MongoSort } from 'mongodb';
import { DocumentStoreUnavailableError, type Collection, type Document, type DocumentStore, type FieldCondition, type Filter, type FindOptions, type Page, type Precondition, type Scalar, type ScanRow, type Write } from '../document-store';
import { assertFieldPath, pageRequest, toPage, totalOrder, valueAt } from '../cursor';

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isCondition = (value: unknown): value is FieldCondition => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The port's filter in MongoDB's words: the same operators, but `$contains`, which becomes a case-insensitive regex. */
const toMongoFilter = (filter: Filter): MongoFilter<MongoDocument> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === '$and' || key === '$or') {
      const inner = (value as Filter[]).map(toMongoFilter);
      // MongoDB refuses an empty $and/$or: an empty $and holds for every document (so it adds nothing, and must not
      // replace a condition on _id beside it), an empty $or for none.
      if (inner.length > 0) out[key] = inner;
      else if (key === '$or') out.$expr = false;
      continue;
    }
    if (key !== '_id') assertFieldPath(key);
    if (!isCondition(value)) {
      out[key] = value as Scalar;
      continue;
    }
    const { $contains, ...rest } = value;
    out[key] = $contains === undefined ? rest : { ...rest, $regex: escapeRegex($contains), $options: 'i' };
  }
  return out as MongoFilter<MongoDocument>;
};

/** The fence counter (see commit) is the adapter's, not the document's: reads leave it out. */
const UNFENCED = { _fence: 0 } as const;

/** Booleans as 1/0, missing as null, arrays and objects as JSON text: what the SQLite adapter's scan gives. */
const scanValue = (document: Document, path: string): Scalar => {
  const value = valueAt(document, path);
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : (value as Scalar);
};

const unavailable = (message: string, cause: unknown) => new DocumentStoreUnavailableError(`read-model store: ${message}`, { cause });

/** Every call goes through the connection, which maps an unreachable MongoDB to DocumentStoreUnavailableError. */
type Run = <T>(use: (db: Db, client: MongoClient) => Promise<T>) => Promise<T>;

class MongoCollection<D extends Document> implements Collection<D> {
  constructor(
    private readonly run: Run,
    private readonly name: string,
  ) {}

  private reachable<T>(use: (collection: import('mongodb').Collection<MongoDocument>) => Promise<T>): Promise<T> {
    return this.run((db) => use(db.collection(this.name)));
  }

  get(id: string): Promise<D | undefined> {
    return this.reachable(async (collection) => ((await collection.findOne({ _id: id as never }, { projection: UNFENCED })) ?? undefined) as D | undefined);
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<Page<D>> {
    const { sort, limit, after } = pageRequest(options);
    const where = after ? { $and: [filter, after] } : filter;
    const order: MongoSort = Object.fromEntries(totalOrder(sort).map(([field, direction]) => [field, direction]));
    return toPage((await this.reachable((collection) => collection.find(toMongoFilter(where), { projection: UNFENCED }).sort(order).limit(limit + 1).toArray())) as unknown as D[], limit, sort);
  }

  count(filter: Filter = {}): Promise<number> {
    return this.reachable((collection) => collection.countDocuments(toMongoFilter(filter)));
  }

  async scan(filter: Filter, fields: readonly string[]): Promise<ScanRow[]> {
    fields.forEach((field) => field === '_id' || assertFieldPath(field));
    const projection = Object.fromEntries(fields.map((field) => [field, 1]));
    const found = (await this.reachable((collection) => collection.find(toMongoFilter(filter), { projection }).toArray())) as unknown as Document[];
    return found.map((document) => fields.map((field) => scanValue(document, field)));
  }
}

/** Thrown inside a transaction to abort it when the fence has moved. */
class Fenced extends Error {}

/**
 * One commit: a multi-document transaction, with each fence written (not just
 * read) so that of two concurrent commits on one fence, one aborts.
 */
const transaction = async (db: Db, client: MongoClient, writes: readonly Write[], fences: readonly Precondition[]): Promise<boolean> => {
  const session = client.startSession();
  try {
    await session.withTransaction(async () => {
      for (const fence of fences) {
        // Write the fence, not just read it: MongoDB transactions conflict on writes only, so a concurrent swap or claim
        // (which writes the same document) aborts one of the two instead of both committing.
        const holder = db.collection(fence.collection);
        const touched = await holder.updateOne({ _id: fence.id as never, [fence.field]: fence.equals }, { $inc: { _fence: 1 } }, { session });
        // A missing fence document holds null: nothing to lock yet (a first claim); its own upsert then conflicts instead.
        if (touched.matchedCount === 0 && (fence.equals !== null || (await holder.countDocuments({ _id: fence.id as never }, { session, limit: 1 })) > 0)) throw new Fenced();
      }
      // Writes to one document stay in order: they are in one collection's ordered bulk.
      const byCollection = new Map<string, AnyBulkWriteOperation<MongoDocument>[]>();
      for (const write of writes) {
        const operations = byCollection.get(write.collection) ?? [];
        operations.push(
          'upsert' in write
            ? { replaceOne: { filter: { _id: write.upsert._id as never }, replacement: write.upsert as MongoDocument, upsert: true } }
            : { deleteOne: { filter: { _id: write.delete as never } } },
        );
        byCollection.set(write.collection, operations);
      }
      for (const [name, operations] of byCollection) await db.collection(name).bulkWrite(operations, { session, ordered: true });
    });
    return true;
  } catch (error) {
    if (error instanceof Fenced) return false;
    throw error;
  } finally {
    await session.endSession();
  }
};

/**
 * Read models in MongoDB (`MONGODB_URI`), a collection per read model.
 * Commits are multi-document transactions, so MongoDB must run as a replica
 * set (docker-compose.yml starts one).
 */
export class MongoDocumentStore implements DocumentStore {
  private readonly run: Run;

  private constructor(private readonly connection: MongoConnection) {
    this.run = (use) => connection.run(use, unavailable);
  }

  /** Connects when first used (see MongoConnection): the api starts, and takes commands, while MongoDB is down. */
  static async connect(uri: string): Promise<MongoDocumentStore> {
    return new MongoDocumentStore(new MongoConnection(uri));
  }

  collection<D extends Document>(name: string): Collection<D> {
    return new MongoCollection<D>(this.run, name);
  }

  commit(writes: readonly Write[], fences: readonly Precondition[] = []): Promise<boolean> {
    return this.run((db, client) => transaction(db, client, writes, fences));
  }

  async ensureIndex(collection: string, fields: readonly string[]): Promise<void> {
    fields.forEach(assertFieldPath);
    // The id last, as the tie-breaker of every sort (see totalOrder).
    await this.run((db) => db.collection(collection).createIndex(Object.fromEntries([...fields, '_id'].map((field) => [field, 1]))));
  }

  async drop(collection: string): Promise<void> {
    // dropCollection fails on a missing one; dropping must be idempotent.
    await this.run(async (db) => {
      const exists = await db.listCollections({ name: collection }, { nameOnly: true }).hasNext();
      if (exists) await db.dropCollection(collection);
    });
  }

  /** Nothing it can do: old versions stay in the oplog and the storage files until they roll off or are compacted (see the port). */
  async forgetOverwritten(): Promise<void> {}

  close(): Promise<void> {
    return this.connection.close();
  }
}
