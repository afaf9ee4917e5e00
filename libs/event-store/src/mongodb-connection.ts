import { MongoClient, MongoNetworkError, MongoServerSelectionError, MongoTopologyClosedError, type Db } from 'mongodb';

/** No server in reach: selection timed out, the connection failed, or the driver gave the client up. */
const unreachable = (error: unknown): boolean =>
  error instanceof MongoServerSelectionError ||
  error instanceof MongoNetworkError ||
  error instanceof MongoTopologyClosedError ||
  // Inside a bulk write or a transaction the driver wraps it in an error of another class.
  /Topology is closed|Server selection timed out/.test(String((error as { message?: unknown } | null)?.message ?? ''));

/**
 * A MongoDB client that connects when first used, so a process starts (and
 * does what needs no MongoDB) while it is down. A call that finds no server
 * within 5 s (the driver's default is 30; `serverSelectionTimeoutMS` in the
 * URI overrides it) fails with the caller's "unavailable" error. The driver
 * closes a client whose first connection failed for good ("Topology is
 * closed"); this one is then replaced, to connect again on the next call.
 */
export class MongoConnection {
  private client: MongoClient;
  /** Whether the current client ever reached a server: one that never did is closed by the driver after its first failure. */
  private reached = false;
  private closed = false;

  constructor(private readonly uri: string) {
    this.client = this.open();
  }

  async run<T>(use: (db: Db, client: MongoClient) => Promise<T>, unavailable: (message: string, cause: unknown) => Error): Promise<T> {
    if (this.closed) throw unavailable('the connection to MongoDB is closed', undefined);
    const client = this.client;
    try {
      const result = await use(client.db(), client);
      if (client === this.client) this.reached = true;
      return result;
    } catch (error) {
      if (!unreachable(error)) throw error;
      if (!this.closed && client === this.client && (!this.reached || /Topology is closed/.test(String((error as Error).message)))) {
        this.client = this.open();
        this.reached = false;
        void client.close().catch(() => undefined);
      }
      throw unavailable(`MongoDB unreachable: ${(error as Error).message}`, error);
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return this.client.close();
  }

  private open(): MongoClient {
    // ignoreUndefined: an undefined field is not stored, as the port says and SQLite's JSON does (the driver's default stores null).
    return new MongoClient(this.uri, { ignoreUndefined: true, ...(/[?&]serverSelectionTimeoutMS=/i.test(this.uri) ? {} : { serverSelectionTimeoutMS: 5000 }) });
  }
}
