import { DocumentStoreUnavailableError } from '../document-store';
import { MongoDocumentStore } from './mongo-document-store';
import { closedPort } from '../../../../test/support/ports';

/** The real driver against no server at all: this runs everywhere, MONGODB_URI or not. */
describe('MongoDocumentStore with MongoDB out of reach', () => {
  it('opens without a server, and answers every call with DocumentStoreUnavailableError once server selection gives up', async () => {
    const store = await MongoDocumentStore.connect(`mongodb://127.0.0.1:${await closedPort()}/redress?serverSelectionTimeoutMS=200`);
    const cases = store.collection('cases');
    for (const call of [() => cases.get('a'), () => cases.find({ status: 'received' }), () => cases.count(), () => cases.scan({}, ['status'])]) {
      await expect(call()).rejects.toBeInstanceOf(DocumentStoreUnavailableError);
    }
    await expect(store.commit([{ collection: 'cases', upsert: { _id: 'a' } }])).rejects.toBeInstanceOf(DocumentStoreUnavailableError);
    await expect(store.ensureIndex('cases', ['status'])).rejects.toBeInstanceOf(DocumentStoreUnavailableError);
    await store.close();
  });
});
