import { describeDataKeyStoreContract } from '../contract/data-key-store.contract';
import { ErasureInProgressError } from '../errors';
import { MongoDataKeyStore } from './mongo-data-key-store';

const uri = process.env.MONGODB_URI;

if (uri) {
  describeDataKeyStoreContract('mongodb', () => ({ open: () => MongoDataKeyStore.connect(uri) }));
} else {
  process.stderr.write('SKIPPED: MongoDB DataKeyStore contract suite — set MONGODB_URI (a replica set, for transactions: e.g. mongodb://localhost:27017/redress-test?replicaSet=rs0&directConnection=true) to run it.\n');
  describe('DataKeyStore contract: mongodb', () => {
    it.skip('SKIPPED: MONGODB_URI is not set, so the MongoDB key store contract suite did not run', () => undefined);
  });
}

/**
 * How one process orders its own calls for one subject, over an in-memory stand-in for the `data_keys` and
 * `data_key_fences` collections whose every call takes a turn of the event loop. Not the MongoDB contract above (that
 * needs a server): only the store's queueing and its fence checks, which the contract's concurrency cases rely on.
 */
describe('MongoDataKeyStore: one subject’s calls in one process', () => {
  type Doc = { _id: string; subject: string; key: { buffer: Uint8Array }; createdAt: Date };
  const standIn = () => {
    const docs: Doc[] = [];
    /** Fences by erasure id. */
    const fences = new Map<string, { subject: string; until: Date }>();
    /** The writes in the order they happened. */
    const writes: string[] = [];
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    /** Another process's erasure, run between this one's look for a key and its insert of a new one. */
    let meanwhile: (() => void) | undefined;
    const eraseElsewhere = (subject: string) => {
      fences.set('elsewhere', { subject, until: new Date(Date.now() + 60_000) });
      docs.splice(0, docs.length, ...docs.filter((d) => d.subject !== subject));
    };
    const keys = {
      createIndex: async () => turn(),
      findOne: async (filter: { subject?: string; _id?: string }) => {
        await turn();
        return docs.filter((d) => (filter._id ? d._id === filter._id : d.subject === filter.subject)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0] ?? null;
      },
      insertOne: async (doc: Doc) => {
        await turn();
        meanwhile?.();
        meanwhile = undefined;
        docs.push(doc);
      },
      deleteOne: async ({ _id }: { _id: string }) => {
        await turn();
        docs.splice(0, docs.length, ...docs.filter((d) => d._id !== _id));
      },
      deleteMany: async ({ subject }: { subject: string }) => {
        await turn();
        writes.push('delete keys');
        const before = docs.length;
        docs.splice(0, docs.length, ...docs.filter((d) => d.subject !== subject));
        return { deletedCount: before - docs.length };
      },
    };
    const fenceCollection = {
      findOne: async ({ subject, until }: { subject: string; until: { $gt: Date } }) => {
        await turn();
        return [...fences.values()].find((fence) => fence.subject === subject && fence.until > until.$gt) ?? null;
      },
      updateOne: async ({ _id }: { _id: string }, { $set }: { $set: { subject: string; until: Date } }) => {
        await turn();
        writes.push('fence');
        fences.set(_id, $set);
      },
      deleteOne: async ({ _id }: { _id: string }) => {
        await turn();
        fences.delete(_id);
      },
    };
    const db = { collection: (name: string) => (name === 'data_keys' ? keys : fenceCollection) };
    const connection = { run: (use: (db: unknown) => Promise<unknown>) => use(db), close: async () => undefined };
    const store = new (MongoDataKeyStore as unknown as new (c: unknown) => MongoDataKeyStore)(connection);
    return { store, docs, writes, elsewhere: (subject: string) => (meanwhile = () => eraseElsewhere(subject)) };
  };

  it('shares one key among concurrent requests, erases it when asked meanwhile, and gives none until the erasure ends', async () => {
    const { store, docs, writes } = standIn();
    const [a, b, erased, during] = await Promise.allSettled([store.keyFor('s'), store.keyFor('s'), store.erase('s', 'e-1'), store.keyFor('s')]);
    expect(b).toEqual(a);
    expect(erased).toEqual({ status: 'fulfilled', value: 1 });
    expect(during).toEqual({ status: 'rejected', reason: expect.any(ErasureInProgressError) });
    expect(docs).toEqual([]);
    // The fence before the deletion: another process's key inserted after the deletion must see it.
    expect(writes).toEqual(['fence', 'delete keys']);
    await store.endErasure('s', 'e-1');
    const after = await store.keyFor('s');
    expect(after.id).not.toBe((a as PromiseFulfilledResult<{ id: string }>).value.id);
    expect(docs.map((doc) => doc._id)).toEqual([after.id]);
  });

  it('takes back a key it made after another process’s erasure looked, and refuses', async () => {
    const { store, docs, elsewhere } = standIn();
    elsewhere('s');
    await expect(store.keyFor('s')).rejects.toBeInstanceOf(ErasureInProgressError);
    expect(docs).toEqual([]);
  });
});
