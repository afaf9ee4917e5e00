import type { EventToAppend, ExpectedRevision, Revision } from './event-store';
import { WrongExpectedRevisionError } from './errors';

/**
 * The optimistic-concurrency rule shared by every adapter: returns the
 * conflict when the stream (at `current`, undefined when it does not exist)
 * is not where the writer expected it.
 */
export const checkExpectedRevision = (
  streamName: string,
  expected: ExpectedRevision,
  current: Revision | undefined,
): WrongExpectedRevisionError | undefined => {
  const actual = current ?? 'no_stream';
  const matches =
    expected === 'any' ||
    (expected === 'no_stream' && current === undefined) ||
    (expected === 'stream_exists' && current !== undefined) ||
    expected === current;
  return matches ? undefined : new WrongExpectedRevisionError(streamName, expected, actual);
};

const isExpectedRevision = (value: unknown): value is ExpectedRevision =>
  value === 'any' || value === 'no_stream' || value === 'stream_exists' || (Number.isSafeInteger(value) && (value as number) >= 0);

/** Programming errors, caught before anything reaches the store. */
export const assertAppendable = (streamName: string, events: readonly EventToAppend[], expected: ExpectedRevision): void => {
  if (typeof streamName !== 'string' || streamName.length === 0 || streamName.startsWith('$')) {
    throw new TypeError(`invalid stream name ${JSON.stringify(streamName)}`);
  }
  if (events.length === 0) throw new TypeError('appendToStream needs at least one event');
  if (!isExpectedRevision(expected)) throw new TypeError(`invalid expected revision ${JSON.stringify(expected)}`);
  for (const event of events) {
    // Both adapters take the same events: EventStoreDB wants UUID ids and keeps `$` types for itself.
    if (typeof event.id !== 'string' || !UUID.test(event.id)) throw new TypeError(`event id ${JSON.stringify(event.id)} is not a UUID`);
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
      throw new TypeError(`invalid event type ${JSON.stringify(event.type)}`);
    }
  }
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const assertReadable = (options: { readonly maxCount?: number; readonly fromRevision?: number; readonly after?: number }): void => {
  for (const [name, value] of Object.entries(options)) {
    if ((name === 'maxCount' || name === 'fromRevision' || name === 'after') && value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new TypeError(`${name} must be a whole number ≥ 0, not ${JSON.stringify(value)}`);
    }
  }
};
