import { describeEventStoreContract } from '../contract/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract('eventstoredb', {
    open: async () => EventStoreDbEventStore.fromConnectionString(connectionString),
    release: (store) => store.close(),
  });
} else {
  process.stderr.write('SKIPPED: EventStoreDB contract suite — set EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false, a server with KURRENTDB_MAX_APPEND_SIZE of 2 MiB or more) to run it.\n');
  describe('EventStore contract: eventstoredb', () => {
    it.skip('SKIPPED: EVENTSTORE_CONNECTION_STRING is not set, so the EventStoreDB contract suite did not run', () => undefined);
  });
}
