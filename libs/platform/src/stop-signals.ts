import type { EventEmitter } from 'node:events';
import pino, { type Logger } from 'pino';
import { ConfigError } from './config';

/** Signals a stop takes before it gives up: Ctrl-C under npm reaches node twice, so a second Ctrl-C is the third and fourth. */
const SIGNALS_BEFORE_GIVING_UP = 3;
/** How long an exit waits for the log lines still in flight to be written. */
const LOG_FLUSH_MS = 2000;

/**
 * Exits once the log's stream has written what it holds and closed (or
 * failed, or after LOG_FLUSH_MS). Exiting with a line in flight leaves it to
 * pino's exit hook, which writes it synchronously, and when nobody reads
 * stdout any more (a log shipper gone: EPIPE) sonic-boom 4 retries that
 * write every 100 ms for ever, so the process never ends. Ended here, the
 * EPIPE reaches pino, which stops logging, and the hook has nothing to write.
 * (`logger.flush` does not wait for a write in flight.)
 */
const exitAfterLogs = (logger: Logger, code: number): void => {
  // Also the code when the process ends by itself first (a stream pino has given up on no longer closes).
  process.exitCode = code;
  const exit = () => process.exit(code);
  setTimeout(exit, LOG_FLUSH_MS).unref();
  const stream = (logger as unknown as Record<symbol, Partial<EventEmitter & { end(): void }> | undefined>)[pino.symbols.streamSym];
  if (!stream?.end || !stream.once) return exit();
  stream.once('close', exit);
  stream.once('error', exit);
  stream.end();
};

/**
 * Stops a long-running process gracefully on SIGTERM or SIGINT (once, whether
 * one or two arrive) and exits 0, or 1 when the stop fails: what an
 * orchestrator reads from a rolling restart. A third signal during the stop
 * (a second Ctrl-C) ends the process at once with 130, for a stop that hangs.
 */
export const stopOnSignals = (logger: Logger, what: string, stop: () => Promise<void>): void => {
  let signals = 0;
  /** On the way out, the log's stream ending: nothing more is logged (a write to an ended stream throws). */
  let exiting = false;
  const exit = (code: number) => {
    exiting = true;
    exitAfterLogs(logger, code);
    // The rest of the process (a stop still running after a give-up) logs through the same logger: into an ended stream, that would throw.
    logger.level = 'silent';
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (exiting) return;
    signals += 1;
    if (signals >= SIGNALS_BEFORE_GIVING_UP) {
      logger.warn({ signal }, `${what} stopped without finishing its stop`);
      exit(130);
      return;
    }
    if (signals > 1) {
      logger.info({ signal }, `${what} already stopping`);
      return;
    }
    logger.info({ signal }, `${what} stopping`);
    stop().then(
      () => {
        if (exiting) return; // given up meanwhile
        logger.info(`${what} stopped`);
        exit(0);
      },
      (error: unknown) => {
        if (exiting) return;
        logger.error({ err: error }, `${what} failed to stop cleanly`);
        exit(1);
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
