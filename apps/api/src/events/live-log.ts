import type { EventStore, RecordedEvent, Subscription } from '@redress/event-store';

/** A stream listening to the live end of the log: each event, or the end of the follower (it then catches up from the store itself). */
export interface Listener {
  readonly event: (event: RecordedEvent) => void;
  readonly ended: (error?: unknown) => void;
}

/**
 * One follower of the log's live end for every stream in this process: each
 * new event is read from the store once and handed to every listener, in
 * order, however many consumers are connected. It starts at the head when
 * the first listener comes; a listener closes any gap before that itself
 * (FeedService reads the store after registering). If the follower fails
 * (the store went away), every listener is told and the next listen() starts
 * a new one.
 */
export class LiveLog {
  private readonly listeners = new Set<Listener>();
  private started?: Promise<{ subscription: Subscription; following: Promise<void> }>;

  constructor(private readonly store: EventStore) {}

  /** Calls `listener` with every event from (at latest) now on; the returned function stops it. */
  async listen(listener: Listener): Promise<() => void> {
    this.started ??= this.start();
    try {
      await this.started;
    } catch (error) {
      this.started = undefined;
      throw error;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
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
    const subscription = this.store.subscribeToAll({ after: await this.store.headPosition() });
    const following = (async () => {
      for await (const event of subscription) {
        for (const listener of this.listeners) {
          // One stream's failure ends that stream, not the others' feed.
          try {
            listener.event(event);
          } catch (error) {
            this.listeners.delete(listener);
            listener.ended(error);
          }
        }
      }
    })().catch((error: unknown) => {
      this.started = undefined;
      this.endAll(error);
    });
    return { subscription, following };
  }
}
