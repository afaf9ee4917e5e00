import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '@redress/event-store';
import { PROJECTIONS, ProjectionCatalog, type DocumentStore } from '@redress/projections';
import { openDocumentStore, type Clock, type Config } from '@redress/platform';
import { CLOCK, CONFIG, DOCUMENT_STORE, EVENT_STORE, PROJECTION_CATALOG } from '../tokens';
import { PoliciesModule } from '../policies/policies.module';
import { ProjectionHost } from './projection-host';
import { READ_MODEL_QUERY_HANDLERS } from './read-model-queries';
import { ReadModelsController } from './read-models.controller';

@Module({
  imports: [CqrsModule, PoliciesModule],
  controllers: [ReadModelsController],
  providers: [
    { provide: DOCUMENT_STORE, useFactory: (config: Config) => openDocumentStore(config), inject: [CONFIG] },
    {
      provide: PROJECTION_CATALOG,
      useFactory: (events: EventStore, documents: DocumentStore, clock: Clock) => new ProjectionCatalog(events, documents, PROJECTIONS, () => clock.now()),
      inject: [EVENT_STORE, DOCUMENT_STORE, CLOCK],
    },
    ProjectionHost,
    ...READ_MODEL_QUERY_HANDLERS,
  ],
  exports: [PROJECTION_CATALOG, DOCUMENT_STORE],
})
export class ReadModelsModule {}
