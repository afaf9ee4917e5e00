import { describeDataKeyStoreContract } from '../contract/data-key-store.contract';
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
 * How one process orders its own calls for one subject, over an in-memory stand-in for the `data_keys` collection
 * whose every call takes a turn of the event loop. Not the MongoDB contract above (that needs a server): only the
 * store's queueing, which the contract's concurrency cases rely on.
 */
describe('MongoDataKeyStore: one subject’s calls in one process', () => {
  type Doc = { _id: string; subject: string; key: { buffer: Uint8Array }; createdAt: Date };
  const standIn = () => {
    const docs: Doc[] = [];
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const collection = {
      createIndex: async () => turn(),
      findOne: async (filter: { subject?: string; _id?: string }) => {
        await turn();
        return docs.filter((d) => (filter._id ? d._id === filter._id : d.subject === filter.subject)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0] ?? null;
      },
      insertOne: async (doc: Doc) => {
        await turn();
        docs.push(doc);
      },
      deleteMany: async ({ subject }: { subject: string }) => {
        await turn();
        const before = docs.length;
        docs.splice(0, docs.length, ...docs.filter((d) => d.subject !== subject));
        return { deletedCount: before - docs.length };
      },
    };
    const connection = { run: (use: (db: unknown) => Promise<unknown>) => use({ collection: () => collection }), close: async () => undefined };
    const store = new (MongoDataKeyStore as unknown as new (c: unknown) => MongoDataKeyStore)(connection);
    return { store, docs };
  };

  it('shares one key among concurrent requests, erases it when asked meanwhile, and makes a new one for a request after', async () => {
    const { store, docs } = standIn();
    const [a, b, erased, c, erasedAgain, d] = await Promise.all([store.keyFor('s'), store.keyFor('s'), store.erase('s'), store.keyFor('s'), store.erase('s'), store.keyFor('s')]);
    expect(b).toEqual(a);
    expect(erased).toBe(1);
    expect(c.id).not.toBe(a.id);
    expect(erasedAgain).toBe(1);
    expect(d.id).not.toBe(c.id);
    expect(docs.map((doc) => doc._id)).toEqual([d.id]);
  });
});
