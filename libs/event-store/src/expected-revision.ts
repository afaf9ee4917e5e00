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
    if (typeof event.id !== 'string' || event.id.length === 0) throw new TypeError('every event needs an id');
    if (typeof event.type !== 'string' || event.type.length === 0) throw new TypeError('every event needs a type');
  }
};
