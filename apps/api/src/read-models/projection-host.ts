import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EventStore } from '@redress/event-store';
import { PROJECTIONS, ProjectionRunner, type DocumentStore } from '@redress/projections';
import type { Clock } from '@redress/platform';
import { CLOCK, DOCUMENT_STORE, EVENT_STORE, LOGGER } from '../tokens';

/**
 * Embedded mode runs the projections in the api process (ARCHITECTURE.md
 * "Modes"). They start before the api listens, so on a first start the read
 * models are built before the first query; later rebuilds (a new projection
 * version) happen blue/green behind the serving generation.
 */
@Injectable()
export class ProjectionHost implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly runners: ProjectionRunner[];

  constructor(
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    const log = logger.child({ component: 'projections' });
    this.runners = PROJECTIONS.map((projection) => new ProjectionRunner(events, documents, projection, { now: () => clock.now(), log }));
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  /** Runners stop (their last batch committed) before the stores close. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.documents.close();
  }
}
