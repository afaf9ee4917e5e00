import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@redress/event-store';
import { openEventStore, type Config } from '@redress/platform';
import { HealthController } from './health/health.controller';
import { CONFIG, EVENT_STORE } from './tokens';

/** Closes the store last, after in-flight requests have finished. */
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        EventStoreLifecycle,
      ],
    };
  }
}
