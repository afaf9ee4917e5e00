import { ConfigError, createLogger, loadConfig } from '@redress/platform';
import { createApp, stopGracefully } from './app';

const main = async (): Promise<void> => {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, logger);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  logger.info({ port: config.port, store: config.eventStore.kind, dataDir: config.dataDir }, 'redress api listening');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'redress api stopping: refusing new requests, finishing those in flight');
    stopGracefully(app).then(
      () => {
        logger.info('redress api stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'redress api failed to stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
