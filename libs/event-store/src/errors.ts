import type { ExpectedRevision, Revision } from './event-store';

/** The stream was not where the writer expected it: nothing was written. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or `no_stream` when it does not exist. */
    readonly actual: Revision | 'no_stream',
  ) {
    super(`stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/**
 * The store refused the write for lack of space or another I/O fault; nothing
 * was written and the caller may retry later.
 */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The subject's data is being erased: no key is given out for it until the
 * erasure ends, so nothing written meanwhile escapes it. Nothing was written;
 * the caller may retry once the erasure is over.
 */
export class ErasureInProgressError extends Error {
  override readonly name = 'ErasureInProgressError';
  constructor(readonly subject: string) {
    super(`the personal data of ${subject} is being erased; try again once the erasure has ended`);
  }
}

/**
 * The store stopped while the append was being committed: it may or may not
 * have been written. Read the stream before deciding again; a blind retry
 * could write it twice.
 */
export class AppendOutcomeUnknownError extends Error {
  override readonly name = 'AppendOutcomeUnknownError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
