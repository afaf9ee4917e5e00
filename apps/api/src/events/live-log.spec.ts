import type { EventStore, RecordedEvent, Subscription } from '@redress/event-store';
import { LiveLog, type Listener } from './live-log';

/** A store whose subscriptions the test ends by hand, as a store that closes them would. */
const storeWithSubscriptions = () => {
  const ends: Array<() => void> = [];
  const store = {
    headPosition: async () => 0,
    subscribeToAll: (): Subscription => {
      let end: () => void = () => undefined;
      const over = new Promise<IteratorResult<RecordedEvent>>((resolve) => (end = () => resolve({ done: true, value: undefined })));
      ends.push(end);
      return { [Symbol.asyncIterator]: () => ({ next: () => over }), close: async () => end() };
    },
  } as unknown as EventStore;
  return { store, ends };
};

const listener = () => {
  const calls = { ended: 0 };
  const it: Listener = { events: () => undefined, ended: () => (calls.ended += 1) };
  return { it, calls };
};

describe('LiveLog', () => {
  it('tells its listeners when the follower ends without an error, and the next listener starts a new follower', async () => {
    const { store, ends } = storeWithSubscriptions();
    const live = new LiveLog(store);
    const first = listener();
    await live.listen(first.it);
    ends[0]?.();
    await new Promise((resolve) => setImmediate(resolve));
    // Before: nobody was told, and every later listener joined the follower that had ended, hearing nothing for ever.
    expect(first.calls.ended).toBe(1);
    await live.listen(listener().it);
    expect(ends).toHaveLength(2);
    await live.close();
  });

  it('an old follower ending after close() and a new start leaves the new follower’s listeners alone', async () => {
    const { store, ends } = storeWithSubscriptions();
    const live = new LiveLog(store);
    await live.listen(listener().it);
    await live.close();
    const later = listener();
    await live.listen(later.it);
    ends[0]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(later.calls.ended).toBe(0);
    await live.close();
    expect(later.calls.ended).toBe(1);
  });
});
