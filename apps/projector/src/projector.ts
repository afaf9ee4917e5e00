import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import type { EventStore } from '@redress/event-store';
import { LEASES, type DocumentStore, type LeaseRecord, type ProjectionCatalog } from '@redress/projections';
import { NestPinoLogger, type Config } from '@redress/platform';
import type { InfrastructureOptions } from '../../api/src/infrastructure.module';
import { DOCUMENT_STORE, EVENT_STORE, LEASE_HOLDER, PROJECTION_CATALOG } from '../../api/src/tokens';
import { ProjectorModule } from './projector.module';

export interface Projector {
  readonly context: INestApplicationContext;
  /** Where `/health` answers. */
  readonly url: string;
  /** Graceful: webhook workers stop, the last SLA tick finishes, projections apply what was written and checkpoint, leases are handed on. */
  stop(): Promise<void>;
}

/**
 * `/health` for the orchestrator: the log's head, the projections'
 * positions, and the units of work this process holds (the others it stands
 * by for). 503 when a store cannot be read.
 */
const healthServer = (context: INestApplicationContext): Server => {
  const events = context.get<EventStore>(EVENT_STORE);
  const documents = context.get<DocumentStore>(DOCUMENT_STORE);
  const catalog = context.get<ProjectionCatalog>(PROJECTION_CATALOG);
  const holder = context.get<string>(LEASE_HOLDER);
  return createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/health') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND', message: 'the projector serves GET /health only' }));
      return;
    }
    void (async () => {
      try {
        const [position, projections, leases] = await Promise.all([
          events.headPosition(),
          catalog.status(),
          documents.collection<LeaseRecord>(LEASES).find({ holder }, { limit: 1000 }),
        ]);
        const holds = leases.items.filter((lease) => lease.expiresAt > Date.now()).map((lease) => lease._id);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', holder, position, holds, projections }));
      } catch (error) {
        response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'unavailable', holder, error: (error as Error).message }));
      }
    })();
  });
};

/** Starts a projector: it has built (or waited for) every read model when this resolves. */
export const startProjector = async (config: Config, logger: Logger, options: InfrastructureOptions = {}): Promise<Projector> => {
  const context = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config, logger, options), { logger: new NestPinoLogger(logger), abortOnError: false });
  const server = healthServer(context);
  await new Promise<void>((resolve) => server.listen(config.port, '0.0.0.0', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    context,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await context.close();
    },
  };
};
