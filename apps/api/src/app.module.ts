import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import type { EventStore } from '@redress/event-store';
import { openEventStore, resolveJwtSecret, systemClock, type Clock, type Config } from '@redress/platform';
import { AuthGuard } from './auth/auth.guard';
import { ComplaintsModule } from './complaints/complaints.module';
import { RectificationsModule } from './rectifications/rectifications.module';
import { DocsController } from './docs/docs.controller';
import { HealthController } from './health/health.controller';
import { CLOCK, CONFIG, EVENT_STORE, JWT_SECRET, LOGGER, SLA_TICK_MS, WEBHOOK_POLICY } from './tokens';
import { AppraisalModule } from './appraisal/appraisal.module';
import { EventsModule } from './events/events.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './webhooks/delivery';
import { PoliciesModule } from './policies/policies.module';
import { SlaModule } from './sla/sla.module';
import { ReadModelsModule } from './read-models/read-models.module';

/** Closes the store last, after in-flight requests have finished. */
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The ports and settings every feature module uses. */
@Global()
@Module({})
class InfrastructureModule {
  static forRoot(config: Config, logger: Logger, clock: Clock, slaTickMs: number, webhooks: DeliveryPolicy): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: config },
      { provide: CLOCK, useValue: clock },
      { provide: LOGGER, useValue: logger },
      { provide: SLA_TICK_MS, useValue: slaTickMs },
      { provide: WEBHOOK_POLICY, useValue: webhooks },
      { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
      { provide: JWT_SECRET, useFactory: () => resolveJwtSecret(config, logger) },
    ];
    return { module: InfrastructureModule, providers: [...providers, EventStoreLifecycle], exports: providers.map((p) => p.provide) };
  }
}

export interface AppOptions {
  /** The one clock; tests pass a fake one. */
  readonly clock?: Clock;
  /** SLA scheduler period; 0 ticks only when asked (tests). */
  readonly slaTickMs?: number;
  /** Webhook retries and timeouts; tests shorten them. */
  readonly webhooks?: DeliveryPolicy;
}

@Module({})
export class AppModule {
  static forRoot(config: Config, logger: Logger, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(config, logger, options.clock ?? systemClock, options.slaTickMs ?? 30_000, options.webhooks ?? DEFAULT_DELIVERY_POLICY),
        CqrsModule.forRoot(),
        PoliciesModule,
        SlaModule,
        ComplaintsModule,
        RectificationsModule,
        ReadModelsModule,
        AppraisalModule,
        EventsModule,
        WebhooksModule,
      ],
      controllers: [HealthController, DocsController],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
