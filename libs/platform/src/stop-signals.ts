import type { Logger } from 'pino';
import { ConfigError } from './config';

/** Signals a stop takes before it gives up: Ctrl-C under npm reaches node twice, so a second Ctrl-C is the third and fourth. */
const SIGNALS_BEFORE_GIVING_UP = 3;

/**
 * Stops a long-running process gracefully on SIGTERM or SIGINT (once, whether
 * one or two arrive) and exits 0, or 1 when the stop fails: what an
 * orchestrator reads from a rolling restart. A third signal during the stop
 * (a second Ctrl-C) ends the process at once with 130, for a stop that hangs.
 */
export const stopOnSignals = (logger: Logger, what: string, stop: () => Promise<void>): void => {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals >= SIGNALS_BEFORE_GIVING_UP) {
      logger.warn({ signal }, `${what} stopped without finishing its stop`);
      process.exit(130);
    }
    if (signals > 1) {
      logger.info({ signal }, `${what} already stopping`);
      return;
    }
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
