/**
 * The event store port. The vocabulary follows EventStoreDB's client
 * (appendToStream, expectedRevision, readStream, readAll, subscribeToAll) so
 * readers who know the field feel at home; every adapter passes one contract
 * suite (see contract/).
 */

/** A stream's revision: 0-based index of an event within its stream. */
export type Revision = number;

/**
 * A place in the global log. Strictly increasing in commit order; not
 * necessarily dense (EventStoreDB's are byte offsets). `0` is before the first
 * event.
 */
export type Position = number;
export const START: Position = 0;

/** Optimistic concurrency: what the writer believes the stream's state to be. */
export type ExpectedRevision = Revision | 'no_stream' | 'stream_exists' | 'any';

/** JSON, as the store keeps it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** What a writer hands to the store. `id` is the event id (a UUID). */
export interface EventToAppend {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

/** Chain fields the store adds to every event's metadata at append time. */
export interface ChainMetadata {
  readonly prevHash: string;
  readonly hash: string;
}

export interface RecordedEvent {
  readonly id: string;
  readonly streamName: string;
  readonly revision: Revision;
  readonly position: Position;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject & ChainMetadata;
  /** ISO-8601, set by the store when the event was written. */
  readonly recordedAt: string;
}

export interface AppendResult {
  /** Revision of the last event written: the stream's new head. */
  readonly nextExpectedRevision: Revision;
  /** Global position of the last event written. */
  readonly position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** First revision to read; default: the start (forwards) or the end (backwards). */
  readonly fromRevision?: Revision;
  readonly maxCount?: number;
  readonly direction?: Direction;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; default START. */
  readonly after?: Position;
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position (a checkpoint); default START. */
  readonly after?: Position;
}

/**
 * Catch-up then live, in log order, without gaps or duplicates. Iterate it
 * with `for await`; `close()` ends the iteration.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    expectedRevision?: ExpectedRevision,
  ): Promise<AppendResult>;
  /** Events of one stream; an empty array when the stream does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the last event in the log, or START when it is empty. */
  headPosition(): Promise<Position>;
  close(): Promise<void>;
}
