import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EventStore, RecordedEvent, Subscription } from '@redress/event-store';
import type { Clock, Config } from '@redress/platform';
import { Lease, type Document, type DocumentStore } from '@redress/projections';
import { feedEvent } from '../events/feed';
import { CLOCK, CONFIG, DOCUMENT_STORE, EVENT_STORE, LEASE_HOLDER, LOGGER, RUNS_BACKGROUND_WORK, WEBHOOK_POLICY } from '../tokens';
import { deliver, retryDelay, targetAllowed, type DeliveryOutcome, type DeliveryPolicy } from './delivery';

export const SUBSCRIPTIONS = 'webhook_subscriptions';

/** A webhook subscription with its delivery state; it lives beside the read models and survives restarts. */
export type WebhookSubscription = Document & {
  readonly url: string;
  /** null: every type. */
  readonly types: string[] | null;
  readonly secret: string;
  readonly status: 'active' | 'paused';
  /** Every event up to here has been delivered (or did not match). */
  readonly position: number;
  readonly delivered: number;
  /** Consecutive failed attempts at the event after `position`. */
  readonly failures: number;
  readonly lastError: { readonly at: string; readonly message: string; readonly status: number | null; readonly eventId: string; readonly position: number } | null;
  readonly lastDeliveredAt: string | null;
  readonly pausedAt: string | null;
  readonly createdAt: string;
  readonly createdBy: { readonly user: string; readonly role: string };
  /** Moves whenever staff change the subscription: a worker holding an older one stops instead of overwriting it. */
  readonly epoch: number;
};

/** Skipped (non-matching) events are checkpointed every this many, or this often: a restart rescans at most that much. */
const SKIP_CHECKPOINT = 1000;
const SKIP_CHECKPOINT_MS = 5000;
/** How often subscriptions changed by another process are picked up. */
const REFRESH_MS = 5000;

interface Worker {
  readonly epoch: number;
  /** It ended by itself (an error, a lost lease): the next refresh starts another if it can. */
  readonly ended: () => boolean;
  stop(): Promise<void>;
}

/**
 * Delivers the log to every active subscription: one worker per
 * subscription follows the log from its checkpoint and POSTs each matching
 * event in order, retrying with backoff until it is taken (at least once: a
 * crash between delivery and checkpoint redelivers, and receivers dedupe by
 * event id). A subscription that keeps failing is paused with its last error.
 * Of several processes, the one holding a subscription's lease delivers it,
 * and its checkpoint writes are fenced by that lease; an api with a separate
 * projector delivers nothing.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly workers = new Map<string, Worker>();
  private timer?: NodeJS.Timeout;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(WEBHOOK_POLICY) private readonly policy: DeliveryPolicy,
    @Inject(LEASE_HOLDER) private readonly holder: string,
    @Inject(RUNS_BACKGROUND_WORK) private readonly runsBackgroundWork: boolean,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.runsBackgroundWork) return;
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.workers.clear();
  }

  /**
   * Starts a worker for each active subscription and stops those of paused,
   * changed or deleted ones. The admin routes call it after every change; an
   * api with a separate projector leaves delivery, and its leases, to them.
   */
  refresh(): Promise<void> {
    if (!this.runsBackgroundWork) return this.refreshing;
    this.refreshing = this.refreshing.then(async () => {
      const { items } = await this.documents.collection<WebhookSubscription>(SUBSCRIPTIONS).find({}, { limit: 10_000 });
      const active = new Map(items.filter((s) => s.status === 'active').map((s) => [s._id, s]));
      for (const [id, worker] of this.workers) {
        if (worker.ended() || active.get(id)?.epoch !== worker.epoch) {
          await worker.stop();
          this.workers.delete(id);
        }
      }
      for (const id of active.keys()) {
        if (this.workers.has(id)) continue;
        const lease = new Lease(this.documents, `webhook:${id}`, this.holder);
        if (!(await lease.ensure())) continue;
        try {
          // Read again under the lease: the last holder may have moved its checkpoint, or paused it, since the list was read.
          const current = await this.documents.collection<WebhookSubscription>(SUBSCRIPTIONS).get(id);
          if (current?.status === 'active') this.workers.set(id, this.start(await this.withinLog(current, lease), lease));
          else await lease.release();
        } catch (error) {
          // Not left renewing a lease nobody works under (no other process could take the subscription), nor stopping the others.
          this.logger.error({ err: error, subscription: id }, 'webhook delivery could not start; the next refresh tries again');
          await lease.release().catch(() => undefined);
        }
      }
    }).catch((error: unknown) => this.logger.error({ err: error }, 'webhook subscriptions could not be refreshed'));
    return this.refreshing;
  }

  /**
   * A cursor past the end of the log (the log restored from an older copy, or
   * its tail lost) would skip the next appends, which take the positions it
   * once passed: it goes back to the log's head, and says so.
   */
  private async withinLog(subscription: WebhookSubscription, lease: Lease): Promise<WebhookSubscription> {
    const head = await this.store.headPosition();
    if (subscription.position <= head) return subscription;
    this.logger.warn({ component: 'webhooks', subscription: subscription._id, position: subscription.position, head }, 'webhook cursor is past the end of the log (restored from an older copy?): delivering from its head');
    const moved = { ...subscription, position: head };
    await this.documents.commit([{ collection: SUBSCRIPTIONS, upsert: moved }], [{ collection: SUBSCRIPTIONS, id: moved._id, field: 'epoch', equals: moved.epoch }, lease.fence()]);
    return moved;
  }

  private start(initial: WebhookSubscription, lease: Lease): Worker {
    const log = this.logger.child({ component: 'webhooks', subscription: initial._id });
    const subscription: Subscription = this.store.subscribeToAll({ after: initial.position });
    const stopping = new AbortController();
    let state = initial;
    /** Saves the state unless staff changed the subscription or another process took it meanwhile; false tells the worker to stop. */
    const save = async (next: WebhookSubscription): Promise<boolean> => {
      state = next;
      return this.documents.commit([{ collection: SUBSCRIPTIONS, upsert: next }], [{ collection: SUBSCRIPTIONS, id: next._id, field: 'epoch', equals: next.epoch }, lease.fence()]);
    };
    const deliverEvent = async (read: RecordedEvent): Promise<boolean> => {
      let event = read;
      for (;;) {
        const body = JSON.stringify(feedEvent(event, 'upcast'));
        // A subscription made before WEBHOOK_ALLOWED_HOSTS left its host out is not sent to: it fails, and pauses.
        const outcome: DeliveryOutcome = targetAllowed(state.url, this.config.webhookAllowedHosts)
          ? await deliver(state.url, state.secret, state._id, event, body, this.policy.timeoutMs, this.clock.now(), stopping.signal)
          : { ok: false, error: 'its host is not among WEBHOOK_ALLOWED_HOSTS: nothing was sent' };
        if (stopping.signal.aborted) return false;
        const at = this.clock.now().toISOString();
        if (outcome.ok) return save({ ...state, position: event.position, delivered: state.delivered + 1, failures: 0, lastDeliveredAt: at });
        const failures = state.failures + 1;
        const lastError = { at, message: outcome.error ?? 'failed', status: outcome.status ?? null, eventId: event.id, position: event.position };
        if (failures >= this.policy.maxFailures) {
          log.warn({ failures, lastError }, 'webhook subscription paused after repeated failures');
          await save({ ...state, failures, lastError, status: 'paused', pausedAt: at });
          return false;
        }
        if (!(await save({ ...state, failures, lastError }))) return false;
        await new Promise<void>((resolve) => {
          const stopped = () => (clearTimeout(timer), resolve());
          const timer = setTimeout(() => (stopping.signal.removeEventListener('abort', stopped), resolve()), retryDelay(this.policy, failures));
          stopping.signal.addEventListener('abort', stopped, { once: true });
        });
        // Read again for the next attempt: what an erasure made [erased] meanwhile is not sent in the clear. Only that
        // event, at the position the log gave it (a stream read need not carry the log's position).
        const [again] = await this.store.readStream(read.streamName, { fromRevision: read.revision, maxCount: 1 });
        if (again?.id === read.id) event = { ...again, position: read.position };
        // A lease lost meanwhile (a pause, the store unreachable) may already be another process's, which has
        // delivered past this event since: sending it again now would reach the receiver out of order.
        if (stopping.signal.aborted || !lease.held()) return false;
      }
    };
    let ended = false;
    const running = (async () => {
      let skipped = 0;
      let savedAt = Date.now();
      for await (const event of subscription) {
        if (stopping.signal.aborted || !lease.held()) return;
        if (state.types !== null && !state.types.includes(event.type)) {
          skipped += 1;
          // Checkpoint what was skipped now and then (a restart rescans at most that much), and let others in between.
          if (skipped % SKIP_CHECKPOINT === 0 || Date.now() - savedAt > SKIP_CHECKPOINT_MS) {
            savedAt = Date.now();
            if (!(await save({ ...state, position: event.position }))) return;
            await new Promise(setImmediate);
          }
          continue;
        }
        if (!(await deliverEvent(event))) return;
        savedAt = Date.now();
      }
    })()
      .catch((error: unknown) => log.error({ err: error }, 'webhook delivery stopped; it starts again at the next refresh'))
      .finally(() => (ended = true));
    return {
      epoch: initial.epoch,
      ended: () => ended && !stopping.signal.aborted,
      stop: async () => {
        stopping.abort();
        await subscription.close();
        await running;
        await lease.release().catch((error: unknown) => log.warn({ err: error }, 'webhook lease not released; it expires'));
      },
    };
  }
}
