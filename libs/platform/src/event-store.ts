import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ERASED, erasureOf, personalDataOf } from '@redress/contracts';
import { complainantStream } from '@redress/domain';
import { EventStoreDbEventStore, MongoDataKeyStore, SealedEventStore, SqliteDataKeyStore, SqliteEventStore, type DataKeyStore, type EventStore } from '@redress/event-store';
import type { Config } from './config';

/** WAL pages between checkpoints for a bulk load (160 MB): see SqliteEventStoreOptions.walAutocheckpointPages. */
const BULK_WAL_PAGES = 40_000;

/**
 * Appends a bulk load commits together. Small enough that a batch, and what
 * its writer thread derives from it, dies young in both threads: at 512 they
 * outlived young-generation collections in both, and the import spent a
 * fifth more CPU copying and marking them (bench/HISTORY.md). Large enough
 * that the fsyncs stay few: 64 wrote more and ran no faster.
 */
export const BULK_BATCH = 128;

type StoreConfig = Pick<Config, 'dataDir' | 'eventStore' | 'readModelStore'>;

/** The log as written, personal data sealed: the configured adapter behind the EventStore port. */
const openEventLog = (config: StoreConfig, { bulk = false }: { readonly bulk?: boolean } = {}): EventStore => {
  if (config.eventStore.kind === 'eventstoredb') return EventStoreDbEventStore.fromConnectionString(config.eventStore.connectionString);
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore({ file: join(config.dataDir, 'events.db'), ...(bulk ? { walAutocheckpointPages: BULK_WAL_PAGES, writerThread: true, maxBatch: BULK_BATCH } : {}) });
};

/**
 * Where data keys live: in the embedded log's own file, written with its
 * commits; with EventStoreDB, beside the read models (MongoDB), or in
 * `keys.db` under DATA_DIR when those are embedded.
 */
const openKeyStore = (config: StoreConfig, log: EventStore): DataKeyStore => {
  if (log instanceof SqliteEventStore) return log.dataKeys();
  if (config.readModelStore.kind === 'mongodb') return MongoDataKeyStore.connect(config.readModelStore.uri);
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteDataKeyStore(join(config.dataDir, 'keys.db'));
};

/**
 * The event store as every part of Redress uses it: complainants' personal
 * data sealed with their data keys (`asStored` is the log as written, for
 * verification). `bulk`: for a process that only appends a great deal (the
 * import): commits in a thread of their own, and a WAL that may pause longer
 * now and then; every commit is as durable either way.
 */
export const openEventStore = (config: StoreConfig, usage: { readonly bulk?: boolean } = {}): SealedEventStore => {
  const log = openEventLog(config, usage);
  try {
    return new SealedEventStore(log, openKeyStore(config, log), { of: personalDataOf, erased: ERASED, erasureOf, erasuresStream: complainantStream });
  } catch (error) {
    void log.close();
    throw error;
  }
};
