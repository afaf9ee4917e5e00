import {
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START as ESDB_START,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
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
import { AppendOutcomeUnknownError, EventStoreUnavailableError, WrongExpectedRevisionError } from '../errors';
import { chainEvents, type StreamHead } from '../hash-chain';
import { assertAppendable, assertReadable, checkExpectedRevision } from '../expected-revision';

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
/** $all is read in bounded pages that are always read to their end, so no server-side read is left open. */
const ALL_PAGE = 500;
const MIN_PAGE = 64;

/**
 * gRPC statuses that refuse an append for certain (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
 * RESOURCE_EXHAUSTED, FAILED_PRECONDITION, OUT_OF_RANGE, UNIMPLEMENTED, UNAUTHENTICATED). The client reports them
 * as UnknownError when it has no class for them, as it does what says nothing of the outcome: a cancel, UNKNOWN,
 * INTERNAL, or a server error it cannot decode (no status at all).
 */
const REFUSED_STATUSES: ReadonlySet<unknown> = new Set([3, 5, 6, 7, 8, 9, 11, 12, 16]);

/** The server could not be reached, did not answer in time, or ended the call (a shutdown): the same 503 as a full disk on SQLite. */
const unavailable = (error: unknown): unknown =>
  error instanceof UnavailableError || error instanceof DeadlineExceededError || error instanceof TimeoutError || error instanceof NotLeaderError || error instanceof CancelledError
    ? new EventStoreUnavailableError(`EventStoreDB is unavailable: ${(error as Error).message}`, { cause: error })
    : error;

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
    try {
      return await this.appendChained(streamName, events, expected);
    } catch (error) {
      throw unavailable(error);
    }
  }

  private async appendChained(streamName: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    for (let attempt = 0; ; attempt += 1) {
      const head = await this.streamHead(streamName).catch((error: unknown) => {
        // Connected to a follower (nodePreference): the client has just reconnected to the leader; nothing was written.
        if (error instanceof EventStoreUnavailableError && error.cause instanceof NotLeaderError) return this.streamHead(streamName);
        throw error;
      });
      const conflict = checkExpectedRevision(streamName, expected, head?.revision);
      if (conflict) throw conflict;
      const chained = chainEvents(streamName, head, events);
      const written = await this.client
        .appendToStream(
          streamName,
          chained.map((event) => jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata })),
          { expectedRevision: head ? BigInt(head.revision) : NO_STREAM },
        )
        .catch((error: unknown) => {
          if (error instanceof WrongExpectedVersionError) return undefined;
          // The server may have written it: a deadline does not cancel the write, and a broken batch stream fails every
          // append waiting on it with whatever ended the stream (a cancel on either side among them). A retry of `any`
          // would write a second copy, so the caller must read the stream first.
          const unknown = error instanceof UnknownError && !REFUSED_STATUSES.has((error as { code?: unknown }).code);
          // NotLeader too: the batch stream fails every append waiting on it with what ended it, and a leader that lost
          // its place in an election may already have written some of them.
          const lost = error instanceof DeadlineExceededError || error instanceof UnavailableError || error instanceof TimeoutError || error instanceof CancelledError || error instanceof NotLeaderError;
          if (lost || unknown) {
            throw new AppendOutcomeUnknownError(`EventStoreDB did not confirm the append to ${streamName}: ${error.message}; read the stream before retrying`, { cause: error });
          }
          throw error;
        });
      // undefined or success=false (throwOnAppendFailure=false in the connection string): another writer got there first.
      if (written?.success) return { nextExpectedRevision: Number(written.nextExpectedRevision), position: Number(written.position?.commit ?? 0n) };
      const loose = expected === 'any' || expected === 'stream_exists';
      if (!loose) {
        const now = await this.streamHead(streamName);
        throw new WrongExpectedRevisionError(streamName, expected, now ? now.revision : 'no_stream');
      }
      // `any` accepts every revision, so losing race after race is no conflict: nothing was written, try again later.
      if (attempt >= MAX_CHAIN_RETRIES) {
        throw new EventStoreUnavailableError(`${streamName} changed under ${MAX_CHAIN_RETRIES + 1} attempts to chain onto it; nothing was written, try again`);
      }
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertReadable(options);
    return this.read(streamName, options, false);
  }

  /** A stream's events, read to their end; `onLeader` for what an append is decided on (see streamHead). */
  private async read(streamName: string, options: ReadStreamOptions, onLeader: boolean): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const fromRevision = options.fromRevision === undefined ? (backwards ? END : ESDB_START) : BigInt(options.fromRevision);
    const recorded: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamName, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision,
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
        ...(onLeader ? { requiresLeader: true } : {}),
      })) {
        if (resolved.event) recorded.push(toRecorded(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return [];
      throw unavailable(error);
    }
    return recorded;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertReadable(options);
    const maxCount = options.maxCount ?? 1000;
    const recorded: RecordedEvent[] = [];
    // $all also holds system events, which the port does not show: read pages until maxCount user events or the end.
    for (let after = options.after ?? START; recorded.length < maxCount; ) {
      // One more than is still wanted (a forward read includes the event at its start, which ended the page before),
      // but not so few that a run of system events costs a round trip each.
      const size = Math.min(ALL_PAGE, Math.max(MIN_PAGE, maxCount - recorded.length + 1));
      const page = await this.readAllPage(after, 'forwards', size);
      for (const event of page) {
        if (recorded.length < maxCount && !isSystem(event) && toPosition(event) > after) recorded.push(toRecorded(event));
      }
      const last = page[page.length - 1];
      if (page.length < size || !last) break;
      after = toPosition(last);
    }
    return recorded;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const after = options.after ?? START;
    const subscription = this.client.subscribeToAll({ fromPosition: readPositionAfter(after), filter: excludeSystemEvents() });
    async function* events(): AsyncGenerator<RecordedEvent> {
      try {
        for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
          const event = resolved.event;
          if (event && !isSystem(event) && toPosition(event) > after) yield toRecorded(event);
        }
      } catch (error) {
        // A server gone mid-subscription is the port's unavailability, as for every other call.
        throw unavailable(error);
      } finally {
        // Only unsubscribe cancels the server's side: a consumer that leaves its loop without close() would leave it open.
        // (A call never opened rejects here with what the loop already reported.)
        await subscription.unsubscribe().catch(() => undefined);
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

  /** The last user event's position: read backwards in pages that grow from one event, since system events are few. */
  async headPosition(): Promise<Position> {
    for (let before: Position | undefined, size = 1; ; size = Math.min(size * 8, ALL_PAGE)) {
      const page = await this.readAllPage(before, 'backwards', size);
      const user = page.find((event) => !isSystem(event));
      if (user) return toPosition(user);
      const last = page[page.length - 1];
      if (page.length < size || !last) return START;
      before = toPosition(last);
    }
  }

  /** One bounded page of raw $all, read to its end. Forwards: after `from`; backwards: from `from` (or the end). */
  private async readAllPage(from: Position | undefined, direction: 'forwards' | 'backwards', size: number): Promise<EsdbRecorded[]> {
    const fromPosition = direction === 'forwards' ? readPositionAfter(from ?? START) : from === undefined ? END : { commit: BigInt(from), prepare: BigInt(from) };
    const page: EsdbRecorded[] = [];
    try {
      for await (const resolved of this.client.readAll({ fromPosition, direction: direction === 'forwards' ? FORWARDS : BACKWARDS, maxCount: size }) as AsyncIterable<AllStreamResolvedEvent>) {
        if (resolved.event) page.push(resolved.event);
      }
    } catch (error) {
      throw unavailable(error);
    }
    return page;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /**
   * The stream's last event, read on the leader: the append expects its exact revision, and a follower's view
   * (nodePreference=follower) may lag, which would turn every loose append into a lost race.
   */
  private async streamHead(streamName: string): Promise<StreamHead | undefined> {
    const [last] = await this.read(streamName, { direction: 'backwards', maxCount: 1 }, true);
    return last ? { revision: last.revision, hash: last.metadata.hash } : undefined;
  }
}
