import { MongoServerSelectionError } from 'mongodb';
import { MongoConnection } from './mongodb-connection';
import { closedPort } from '../../../test/support/ports';

class Unavailable extends Error {}

/** The real driver against no server: runs everywhere. */
describe('MongoConnection', () => {
  it('answers the caller’s "unavailable" error, and after a failed first connection tries afresh rather than on the client the driver closed', async () => {
    const connection = new MongoConnection(`mongodb://127.0.0.1:${await closedPort()}/redress?serverSelectionTimeoutMS=200`);
    const causes: unknown[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const failed = await connection.run((db) => db.collection('x').findOne({}), (message, cause) => new Unavailable(message, { cause })).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(Unavailable);
      causes.push((failed as Unavailable).cause);
    }
    // The driver alone would answer "Topology is closed" from the second call on, and never connect again.
    for (const cause of causes) expect(cause).toBeInstanceOf(MongoServerSelectionError);
    await connection.close();
  });

  it('passes other errors through as they are', async () => {
    const connection = new MongoConnection('mongodb://127.0.0.1:1/redress');
    await expect(connection.run(() => Promise.reject(new TypeError('a bug')), (message) => new Unavailable(message))).rejects.toBeInstanceOf(TypeError);
    await connection.close();
  });
});
