import type { Position, RecordedEvent, Subscription } from './event-store';

/** How an adapter tells a follower that the log may have grown. */
export interface LogSignal {
  /** A counter that moves whenever this process commits. */
  readonly version: () => number;
  /**
   * Resolves once `version()` differs from `since`, after `pollMs` (writes by
   * other processes are only seen by polling), or when aborted.
   */
  readonly changedSince: (since: number, pollMs: number, signal: AbortSignal) => Promise<void>;
}

const PAGE = 1000;

/**
 * A catch-up subscription over a paged `readAll`: reads pages after the last
 * delivered position, and once caught up waits for the log to grow. Positions
 * only grow in commit order, so following them yields no gaps or duplicates.
 */
export const followLog = (
  readAfter: (after: Position, maxCount: number) => Promise<RecordedEvent[]>,
  signal: LogSignal,
  after: Position,
  pollMs = 250,
): Subscription => {
  const abort = new AbortController();
  async function* events(): AsyncGenerator<RecordedEvent> {
    let position = after;
    while (!abort.signal.aborted) {
      const seen = signal.version();
      const page = await readAfter(position, PAGE);
      for (const event of page) {
        if (abort.signal.aborted) return;
        yield event;
        position = event.position;
      }
      if (page.length < PAGE) await signal.changedSince(seen, pollMs, abort.signal);
    }
  }
  const iterator = events();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: async () => {
      abort.abort();
      await iterator.return(undefined);
    },
  };
};
