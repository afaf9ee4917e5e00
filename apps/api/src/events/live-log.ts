import type { EventStore, RecordedEvent, Subscription } from '@redress/event-store';

/** A stream listening to the live end of the log: new events in order, or the end of the follower (it then catches up from the store itself). */
export interface Listener {
  readonly events: (events: readonly RecordedEvent[]) => void;
  readonly ended: (error?: unknown) => void;
}

/**
 * Events coming faster than this are handed out together: a socket write per
 * stream costs the same for one event as for ten, and with many streams those
 * writes are what the api's one thread spends on the feed. A quiet log hands
 * each event out at once.
 */
const LINGER_MS = 20;

/**
 * One follower of the log's live end for every stream in this process: each
 * new event is read from the store once and handed to every listener, in
 * order, however many consumers are connected. It starts at the head when
 * the first listener comes; a listener closes any gap before that itself
 * (FeedService reads the store after registering). If the follower ends or
 * fails (the store went away), every listener is told and the next listen()
 * starts a new one.
 */
export class LiveLog {
  private readonly listeners = new Set<Listener>();
  private started?: Promise<{ subscription: Subscription; following: Promise<void> }>;
  /** Which follower is current: one that ends after close() or a newer one started must not end anyone else's listeners. */
  private generation = 0;

  constructor(private readonly store: EventStore) {}

  /** Calls `listener` with every event from (at latest) now on; the returned function stops it. */
  async listen(listener: Listener): Promise<() => void> {
    for (;;) {
      this.started ??= this.start();
      const started = this.started;
      try {
        await started;
      } catch (error) {
        if (this.started === started) this.started = undefined;
        throw error;
      }
      // The follower may have ended while this waited for it: a listener added then would never hear of it.
      if (this.started !== started) continue;
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    }
  }

  async close(): Promise<void> {
    this.generation += 1;
    const started = await this.started?.catch(() => undefined);
    this.started = undefined;
    this.endAll();
    await started?.subscription.close();
    await started?.following;
  }

  private endAll(error?: unknown): void {
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener.ended(error);
  }

  private async start() {
    const generation = ++this.generation;
    const subscription = this.store.subscribeToAll({ after: await this.store.headPosition() });
    const ended = (error?: unknown): void => {
      if (this.generation !== generation) return;
      this.started = undefined;
      this.endAll(error);
    };
    let pending: RecordedEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    let handedOutAt = 0;
    const handOut = () => {
      timer = undefined;
      handedOutAt = Date.now();
      const events = pending;
      pending = [];
      for (const listener of this.listeners) {
        // One stream's failure ends that stream, not the others' feed.
        try {
          listener.events(events);
        } catch (error) {
          this.listeners.delete(listener);
          listener.ended(error);
        }
      }
    };
    const following = (async () => {
      for await (const event of subscription) {
        pending.push(event);
        if (timer) continue;
        const wait = handedOutAt + LINGER_MS - Date.now();
        if (wait <= 0) handOut();
        else timer = setTimeout(handOut, wait);
      }
    })()
      // Ended without an error too (the store closed the subscription): the listeners catch up from the store themselves.
      .then(() => ended(), ended)
      .finally(() => clearTimeout(timer));
    return { subscription, following };
  }
}
