import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore } from '@redress/event-store';
import type { Config } from './config';

/** The configured adapter behind the EventStore port. */
export const openEventStore = (config: Pick<Config, 'dataDir' | 'eventStore'>): EventStore => {
  if (config.eventStore.kind === 'eventstoredb') return EventStoreDbEventStore.fromConnectionString(config.eventStore.connectionString);
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore({ file: join(config.dataDir, 'events.db') });
};
