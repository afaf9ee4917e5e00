import { createServer } from 'node:net';
import { DocumentStoreUnavailableError } from '../document-store';
import { MongoDocumentStore } from './mongo-document-store';

/** A port nothing listens on: taken from the OS, then let go. */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

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
