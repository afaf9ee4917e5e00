import { createLogger, exitOnStartFailure, loadConfig, stopOnSignals } from '@redress/platform';
import { createApp, stopGracefully } from './app';

const main = async (): Promise<void> => {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, logger);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  logger.info({ port: config.port, store: config.eventStore.kind, dataDir: config.dataDir, projector: config.projector }, 'redress api listening');
  // Refuse new requests, finish those in flight, then stop the background work and close the stores.
  stopOnSignals(logger, 'redress api', () => stopGracefully(app));
};

main().catch(exitOnStartFailure);
