import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EventStore } from '@redress/event-store';
import { Lease, PROJECTIONS, ProjectionRunner, type DocumentStore, type ProjectionCatalog } from '@redress/projections';
import type { Clock } from '@redress/platform';
import { CLOCK, DOCUMENT_STORE, EVENT_STORE, LEASE_HOLDER, LOGGER, PROJECTION_CATALOG, RUNS_BACKGROUND_WORK } from '../tokens';

/** How long a stopping api lets its projections catch up with the last writes before it checkpoints where they are. */
const CATCH_UP_ON_STOP_MS = 5000;

/**
 * Runs the projections in a process that does background work: the api in
 * embedded mode (ARCHITECTURE.md "Modes"), or a projector. Each runner holds
 * its projection's lease while it writes, so of several processes one applies
 * each projection and the others stand by. They start before the api listens,
 * so on a first start the read models are built before the first query; later
 * rebuilds (a new projection version) happen blue/green behind the serving
 * generation. An api with a separate projector runs none.
 */
@Injectable()
export class ProjectionHost implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly runners: ProjectionRunner[];

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog,
    @Inject(CLOCK) clock: Clock,
    @Inject(LOGGER) logger: Logger,
    @Inject(LEASE_HOLDER) holder: string,
    @Inject(RUNS_BACKGROUND_WORK) runsBackgroundWork: boolean,
  ) {
    const log = logger.child({ component: 'projections' });
    this.runners = runsBackgroundWork
      ? PROJECTIONS.map((projection) => new ProjectionRunner(events, documents, projection, { now: () => clock.now(), log, lease: new Lease(documents, `projection:${projection.name}`, holder) }))
      : [];
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  /** Runners apply what has been written (for a while), then stop with their last batch committed, before the stores close. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.runners.length === 0) return;
    const head = await this.events.headPosition().catch(() => 0);
    // A store that cannot be read now is no reason not to stop.
    await Promise.all(PROJECTIONS.map((projection) => this.catalog.reached(projection.name, head, CATCH_UP_ON_STOP_MS).catch(() => undefined)));
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.documents.close();
  }
}
