import type { EventStore } from '@redress/event-store';
import { PROJECTIONS, RebuildStoppedError, rebuildProjections, type DocumentStore } from '@redress/projections';
import { UsageError, type CliIo, type ExitCode } from './cli-io';

/**
 * `rebuild [projection]`: replays the log from position 0 into fresh
 * collections and swaps them in (blue/green). Safe while the api runs: its
 * queries read the old generation until the swap, and its runner moves over.
 */
export const rebuild = async (events: EventStore, documents: DocumentStore, name: string | undefined, io: CliIo): Promise<ExitCode> => {
  const chosen = name === undefined ? PROJECTIONS : PROJECTIONS.filter((projection) => projection.name === name);
  if (chosen.length === 0) throw new UsageError(`no projection named ${JSON.stringify(name)}; projections: ${PROJECTIONS.map((p) => p.name).join(', ')}`);
  // Ctrl-C gives the claimed generations up at the next batch: the read models stay as they were, and no claim is left
  // looking alive to the api's runners, which would wait minutes before a rebuild of their own. npm passes one Ctrl-C
  // to node twice; a third signal ends a rebuild that does not get to its next batch (a stalled read) at once.
  const stop = new AbortController();
  let signals = 0;
  const abort = () => {
    signals += 1;
    if (signals > 2) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', abort).on('SIGTERM', abort);
  try {
    // One pass over the log feeds every chosen projection.
    for (const report of await rebuildProjections(events, documents, chosen, { signal: stop.signal })) {
      io.out(`rebuilt ${report.projection}: ${report.events} events to position ${report.position} in ${report.seconds.toFixed(2)} s (${Math.round(report.events / Math.max(report.seconds, 1e-3))} events/s), generation ${report.generation}`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof RebuildStoppedError)) throw error;
    io.err(`${error.message}; the read models are as they were`);
    return 1;
  } finally {
    process.off('SIGINT', abort).off('SIGTERM', abort);
  }
};
