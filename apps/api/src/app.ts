import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { NestPinoLogger, type Config } from '@redress/platform';
import { AppModule } from './app.module';
import type { InfrastructureOptions } from './infrastructure.module';
import { ErrorFilter } from './http/error-filter';
import { registerCorrelationId } from './http/correlation';
import { registerDraining, type Draining } from './http/draining';
import { registerJsonBodyParser } from './http/json-body';
import { installAsyncResourceBind } from './http/async-resource-bind';
import { registerConsole } from './http/console';

/** Body size limit for every request; larger bodies get 413 PAYLOAD_TOO_LARGE. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the api (not listening), so tests and main share one wiring. */
export const createApp = async (config: Config, logger: Logger, options: InfrastructureOptions = {}): Promise<NestFastifyApplication> => {
  // Fastify binds a function per request with a body; Node 20's bind keeps each request alive until a full GC.
  installAsyncResourceBind();
  // Path parameters as long as the longest name the domain allows (a department: 200 characters).
  const adapter = new FastifyAdapter({ loggerInstance: logger, bodyLimit: BODY_LIMIT_BYTES, routerOptions: { maxParamLength: 200 } });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger, options), adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  app.useGlobalFilters(new ErrorFilter(logger));
  registerJsonBodyParser(app.getHttpAdapter().getInstance(), BODY_LIMIT_BYTES);
  registerCorrelationId(app.getHttpAdapter().getInstance());
  draining.set(app, registerDraining(app.getHttpAdapter().getInstance()));
  registerConsole(app.getHttpAdapter().getInstance());
  return app;
};

const draining = new WeakMap<NestFastifyApplication, Draining>();
/** How long in-flight requests get to finish when the api stops. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * A graceful stop (SIGTERM): refuse new requests, let those in flight finish,
 * then close: feed streams end, webhook workers stop, projection runners
 * apply what was written and checkpoint, and the stores close.
 */
export const stopGracefully = async (app: NestFastifyApplication): Promise<void> => {
  await draining.get(app)?.drain(DRAIN_TIMEOUT_MS);
  await app.close();
};
