import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EventStore } from '@redress/event-store';
import { processHolder } from '@redress/projections';
import { openEventStore, resolveJwtSecret, systemClock, type Clock, type Config } from '@redress/platform';
import { CLOCK, CONFIG, EVENT_STORE, JWT_SECRET, LEASE_HOLDER, LOGGER, RUNS_BACKGROUND_WORK, SLA_TICK_MS, WEBHOOK_POLICY } from './tokens';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './webhooks/delivery';

/** Closes the store last, after in-flight requests have finished. */
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

export interface InfrastructureOptions {
  /** The one clock; tests pass a fake one. */
  readonly clock?: Clock;
  /** SLA scheduler period; 0 ticks only when asked (tests). */
  readonly slaTickMs?: number;
  /** Webhook retries and timeouts; tests shorten them. */
  readonly webhooks?: DeliveryPolicy;
}

/** The ports and settings every feature module uses, for the api and the projector alike. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: Config, logger: Logger, runsBackgroundWork: boolean, options: InfrastructureOptions = {}): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: config },
      { provide: CLOCK, useValue: options.clock ?? systemClock },
      { provide: LOGGER, useValue: logger },
      { provide: SLA_TICK_MS, useValue: options.slaTickMs ?? 30_000 },
      { provide: WEBHOOK_POLICY, useValue: options.webhooks ?? DEFAULT_DELIVERY_POLICY },
      { provide: RUNS_BACKGROUND_WORK, useValue: runsBackgroundWork },
      { provide: LEASE_HOLDER, useValue: processHolder() },
      { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
      { provide: JWT_SECRET, useFactory: () => resolveJwtSecret(config, logger) },
    ];
    return { module: InfrastructureModule, providers: [...providers, EventStoreLifecycle], exports: providers.map((p) => p.provide) };
  }
}
