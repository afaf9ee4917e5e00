import { describeDocumentStoreContract } from '../contract/document-store.contract';
import { MongoDocumentStore } from './mongo-document-store';

const uri = process.env.MONGODB_URI;

if (uri) {
  describeDocumentStoreContract('mongodb', { open: () => MongoDocumentStore.connect(uri), release: (store) => store.close() });
} else {
  process.stderr.write('SKIPPED: MongoDB DocumentStore contract suite — set MONGODB_URI (a replica set, for transactions: e.g. mongodb://localhost:27017/redress-test?replicaSet=rs0&directConnection=true) to run it.\n');
  describe('DocumentStore contract: mongodb', () => {
    it.skip('SKIPPED: MONGODB_URI is not set, so the MongoDB contract suite did not run', () => undefined);
  });
}
