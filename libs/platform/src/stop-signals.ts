import type { Logger } from 'pino';
import { ConfigError } from './config';

/**
 * Stops a long-running process gracefully on SIGTERM or SIGINT (once, however
 * many arrive) and exits 0, or 1 when the stop fails: what an orchestrator
 * reads from a rolling restart.
 */
export const stopOnSignals = (logger: Logger, what: string, stop: () => Promise<void>): void => {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info({ signal }, `${what} already stopping`);
      return;
    }
    stopping = true;
    logger.info({ signal }, `${what} stopping`);
    stop().then(
      () => {
        logger.info(`${what} stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, `${what} failed to stop cleanly`);
        process.exit(1);
      },
    );
  };
  // Not `once`: a repeat (Ctrl-C under npm reaches node twice) would meet Node's default and kill the stop half way.
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
};

/** A process entry point's last resort: a configuration problem as its message, anything else with its stack. */
export const exitOnStartFailure = (error: unknown): never => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`);
  process.exit(1);
};
