import { createLogger, exitOnStartFailure, loadConfig, stopOnSignals } from '@redress/platform';
import { startProjector } from './projector';

const main = async (): Promise<void> => {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const projector = await startProjector(config, logger);
  logger.info({ health: `${projector.url}/health`, store: config.eventStore.kind, readModels: config.readModelStore.kind }, 'redress projector running');
  // Finish the work in hand, checkpoint, hand the leases on.
  stopOnSignals(logger, 'redress projector', () => projector.stop());
};

main().catch(exitOnStartFailure);
