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
