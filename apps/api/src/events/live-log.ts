import type { EventStore, RecordedEvent, Subscription } from '@redress/event-store';

export type Listener = (event: RecordedEvent) => void;

/**
 * One follower of the log's live end for every stream in this process: each
 * new event is read from the store once and handed to every listener, in
 * order, however many consumers are connected. It starts at the head when
 * the first listener comes; a listener closes any gap before that itself
 * (FeedService reads the store after registering).
 */
export class LiveLog {
  private readonly listeners = new Set<Listener>();
  private started?: Promise<{ subscription: Subscription; following: Promise<void> }>;

  constructor(private readonly store: EventStore) {}

  /** Calls `listener` with every event from (at latest) now on; the returned function stops it. */
  async listen(listener: Listener): Promise<() => void> {
    this.listeners.add(listener);
    this.started ??= this.start();
    await this.started;
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const started = await this.started;
    await started?.subscription.close();
    await started?.following;
  }

  private async start() {
    const subscription = this.store.subscribeToAll({ after: await this.store.headPosition() });
    const following = (async () => {
      for await (const event of subscription) {
        for (const listener of this.listeners) {
          // One consumer's failure must not stop the others' feed.
          try {
            listener(event);
          } catch {
            this.listeners.delete(listener);
          }
        }
      }
    })();
    return { subscription, following };
  }
}
