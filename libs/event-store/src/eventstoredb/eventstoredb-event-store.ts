import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type {
  AppendResult,
  ChainMetadata,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { START } from '../event-store';
import { WrongExpectedRevisionError } from '../errors';
import { chainEvents, type StreamHead } from '../hash-chain';
import { assertAppendable, checkExpectedRevision } from '../expected-revision';

type EsdbRecorded = NonNullable<ResolvedEvent['event']>;

/**
 * The global position is EventStoreDB's commit position in `$all` (as Emmett
 * does). Resuming after position p reads from {commit: p, prepare: p} and
 * drops anything at or before p, so a checkpoint is one number on every
 * adapter.
 */
const toPosition = (event: EsdbRecorded): Position => Number(event.position?.commit ?? 0n);
const readPositionAfter = (after: Position): ReadPosition =>
  after === START ? ESDB_START : { commit: BigInt(after), prepare: BigInt(after) };

const isSystem = (event: EsdbRecorded): boolean => event.type.startsWith('$') || event.streamId.startsWith('$');

const toRecorded = (event: EsdbRecorded): RecordedEvent => ({
  id: event.id,
  streamName: event.streamId,
  revision: Number(event.revision),
  position: toPosition(event),
  type: event.type,
  data: event.data as JsonObject,
  metadata: event.metadata as JsonObject & ChainMetadata,
  recordedAt: event.created.toISOString(),
});

/** Appends with a loose expectation retry this often when other writers keep winning the race. */
const MAX_CHAIN_RETRIES = 20;

/**
 * EventStoreDB / KurrentDB adapter over @eventstore/db-client.
 *
 * The hash chain needs the previous event's hash, so an append reads the
 * stream head, chains the new events after it and appends with that exact
 * revision. When another writer got there first, an exact expectation is a
 * conflict (mapped to WrongExpectedRevisionError with the actual revision);
 * `any` and `stream_exists` simply chain again after the new head.
 */
export class EventStoreDbEventStore implements EventStore {
  constructor(private readonly client: EventStoreDBClient) {}

  static fromConnectionString(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async appendToStream(streamName: string, events: readonly EventToAppend[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    assertAppendable(streamName, events, expected);
    for (let attempt = 0; ; attempt += 1) {
      const head = await this.streamHead(streamName);
      const conflict = checkExpectedRevision(streamName, expected, head?.revision);
      if (conflict) throw conflict;
      const chained = chainEvents(streamName, head, events);
      try {
        const result = await this.client.appendToStream(
          streamName,
          chained.map((event) => jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata })),
          { expectedRevision: head ? BigInt(head.revision) : NO_STREAM },
        );
        return { nextExpectedRevision: Number(result.nextExpectedRevision), position: Number(result.position?.commit ?? 0n) };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const loose = expected === 'any' || expected === 'stream_exists';
        if (!loose || attempt >= MAX_CHAIN_RETRIES) {
          const actual = error.actualVersion === NO_STREAM ? 'no_stream' : Number(error.actualVersion);
          throw new WrongExpectedRevisionError(streamName, expected, actual);
        }
      }
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const fromRevision = options.fromRevision === undefined ? (backwards ? END : ESDB_START) : BigInt(options.fromRevision);
    const recorded: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamName, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision,
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      })) {
        if (resolved.event) recorded.push(toRecorded(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return recorded;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const maxCount = options.maxCount ?? 1000;
    const recorded: RecordedEvent[] = [];
    // $all also holds system events, which the port does not show: read on until maxCount user events.
    const reader = this.client.readAll({ fromPosition: readPositionAfter(after), direction: FORWARDS });
    for await (const resolved of reader as AsyncIterable<AllStreamResolvedEvent>) {
      const event = resolved.event;
      if (!event || isSystem(event) || toPosition(event) <= after) continue;
      recorded.push(toRecorded(event));
      if (recorded.length >= maxCount) break;
    }
    return recorded;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const after = options.after ?? START;
    const subscription = this.client.subscribeToAll({ fromPosition: readPositionAfter(after), filter: excludeSystemEvents() });
    async function* events(): AsyncGenerator<RecordedEvent> {
      for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
        const event = resolved.event;
        if (event && !isSystem(event) && toPosition(event) > after) yield toRecorded(event);
      }
    }
    const iterator = events();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        await subscription.unsubscribe();
        await iterator.return(undefined);
      },
    };
  }

  async headPosition(): Promise<Position> {
    const reader = this.client.readAll({ fromPosition: END, direction: BACKWARDS });
    for await (const resolved of reader as AsyncIterable<AllStreamResolvedEvent>) {
      if (resolved.event && !isSystem(resolved.event)) return toPosition(resolved.event);
    }
    return START;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async streamHead(streamName: string): Promise<StreamHead | undefined> {
    const [last] = await this.readStream(streamName, { direction: 'backwards', maxCount: 1 });
    return last ? { revision: last.revision, hash: last.metadata.hash } : undefined;
  }
}
