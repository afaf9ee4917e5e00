import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { EventStore } from '@redress/event-store';
import type { Config } from '@redress/platform';
import { Public } from '../auth/actor';
import { CONFIG, EVENT_STORE } from '../tokens';

export interface Health {
  readonly status: 'ok' | 'unavailable';
  readonly store: Config['eventStore']['kind'];
  readonly readModels: Config['readModelStore']['kind'];
  /** Position of the last event in the log; absent when the store cannot be read. */
  readonly position?: number;
  readonly error?: string;
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Public()
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Health> {
    const kinds = { store: this.config.eventStore.kind, readModels: this.config.readModelStore.kind };
    try {
      return { status: 'ok', ...kinds, position: await this.store.headPosition() };
    } catch (error) {
      reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', ...kinds, error: (error as Error).message };
    }
  }
}
