import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore } from '@redress/event-store';
import type { Config } from './config';

/** WAL pages between checkpoints for a bulk load (160 MB): see SqliteEventStoreOptions.walAutocheckpointPages. */
const BULK_WAL_PAGES = 40_000;

/**
 * The configured adapter behind the EventStore port. `bulk`: for a process
 * that only appends a great deal (the import): commits in a thread of their
 * own, and a WAL that may pause longer now and then; every commit is as
 * durable either way.
 */
export const openEventStore = (config: Pick<Config, 'dataDir' | 'eventStore'>, usage: { readonly bulk?: boolean } = {}): EventStore => {
  if (config.eventStore.kind === 'eventstoredb') return EventStoreDbEventStore.fromConnectionString(config.eventStore.connectionString);
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore({ file: join(config.dataDir, 'events.db'), ...(usage.bulk ? { walAutocheckpointPages: BULK_WAL_PAGES, writerThread: true } : {}) });
};
