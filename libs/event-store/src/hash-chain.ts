import { createHash } from 'node:crypto';
import type { EventToAppend, Json, JsonObject, RecordedEvent, Revision } from './event-store';

/**
 * Tamper evidence: every event's metadata carries `prevHash` (the hash of the
 * previous event of its stream, or GENESIS) and `hash`, computed where events
 * are appended so it holds on every adapter:
 *
 *   hash = sha256(prevHash || canonicalJson({id, streamName, revision, type, data, metadata without hash}))
 *
 * The stream name and revision are inside the hash, so moving, reordering or
 * renumbering events breaks the chain just as editing them does. Position and
 * recordedAt are assigned by the store after hashing and are not covered.
 */
export const GENESIS = '0'.repeat(64);

/**
 * JSON with object keys sorted, so equal values always hash alike whatever
 * order an adapter or a client keeps keys in. Written as plain loops: it runs
 * for every event appended or verified.
 */
export const canonicalJson = (input: Json): string => {
  // Follows JSON.stringify's rules (toJSON, undefined in arrays) so a value hashes the same before it is stored and after it is read back.
  const value = input !== null && input !== undefined && typeof (input as { toJSON?: unknown }).toJSON === 'function' ? ((input as unknown as { toJSON: () => Json }).toJSON()) : input;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + canonicalJson(value[i] as Json);
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  for (const key of keys) {
    const member = value[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
};

interface Hashable {
  readonly id: string;
  readonly streamName: string;
  readonly revision: Revision;
  readonly type: string;
  readonly data: JsonObject;
  /** Metadata including prevHash, excluding hash. */
  readonly metadata: JsonObject;
}

export const eventHash = (prevHash: string, event: Hashable): string =>
  createHash('sha256')
    .update(
      prevHash +
        canonicalJson({
          id: event.id,
          streamName: event.streamName,
          revision: event.revision,
          type: event.type,
          data: event.data,
          metadata: event.metadata,
        }),
    )
    .digest('hex');

/** The last event of a stream, as far as the chain is concerned. */
export interface StreamHead {
  readonly revision: Revision;
  readonly hash: string;
}

export interface ChainedEvent extends EventToAppend {
  readonly revision: Revision;
  readonly metadata: JsonObject & { prevHash: string; hash: string };
}

/** Numbers and links the events to append after `head` (undefined: a new stream). */
export const chainEvents = (
  streamName: string,
  head: StreamHead | undefined,
  events: readonly EventToAppend[],
): ChainedEvent[] => {
  let prevHash = head?.hash ?? GENESIS;
  let revision = head ? head.revision + 1 : 0;
  return events.map((event) => {
    // The chain fields are the store's to set: any the writer passed are dropped. They are written before the
    // spread: on Node 20 an object literal that adds fields after a spread gets a hidden class of its own at every call.
    const { prevHash: _givenPrevHash, hash: _givenHash, ...given } = event.metadata;
    const hash = eventHash(prevHash, { id: event.id, streamName, revision, type: event.type, data: event.data, metadata: { prevHash, ...given } });
    const chained: ChainedEvent = { id: event.id, type: event.type, data: event.data, revision, metadata: { prevHash, hash, ...given } };
    prevHash = hash;
    revision += 1;
    return chained;
  });
};

export interface ChainBreak {
  readonly streamName: string;
  readonly revision: Revision;
  readonly position: number;
  readonly reason: string;
}

/**
 * Checks one event against the head of its stream seen so far. Returns the
 * break, or undefined when the event continues the chain.
 */
export const checkLink = (head: StreamHead | undefined, event: RecordedEvent): ChainBreak | undefined => {
  const at = (reason: string): ChainBreak => ({
    streamName: event.streamName,
    revision: event.revision,
    position: event.position,
    reason,
  });
  const expectedRevision = head ? head.revision + 1 : 0;
  if (event.revision !== expectedRevision) return at(`expected revision ${expectedRevision}, found ${event.revision}`);
  const expectedPrev = head?.hash ?? GENESIS;
  const { hash, ...metadata } = event.metadata;
  if (metadata.prevHash !== expectedPrev) return at('prevHash does not match the previous event');
  const recomputed = eventHash(expectedPrev, { ...event, metadata });
  if (recomputed !== hash) return at('hash does not match the event content');
  return undefined;
};

export interface ChainReport {
  readonly events: number;
  readonly streams: number;
  readonly firstBreak?: ChainBreak;
}

/**
 * Folds events in log order (or one stream's events in revision order) and
 * reports the first break. Memory: one head per stream.
 */
export class ChainVerifier {
  private readonly heads = new Map<string, StreamHead>();
  private count = 0;
  private broken?: ChainBreak;

  /** Returns false once a break was found; later events are ignored. */
  accept(event: RecordedEvent): boolean {
    if (this.broken) return false;
    this.broken = checkLink(this.heads.get(event.streamName), event);
    if (this.broken) return false;
    this.heads.set(event.streamName, { revision: event.revision, hash: event.metadata.hash });
    this.count += 1;
    return true;
  }

  report(): ChainReport {
    return { events: this.count, streams: this.heads.size, ...(this.broken ? { firstBreak: this.broken } : {}) };
  }
}
