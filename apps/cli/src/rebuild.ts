import type { EventStore } from '@redress/event-store';
import { PROJECTIONS, rebuildProjections, type DocumentStore } from '@redress/projections';
import { UsageError, type CliIo, type ExitCode } from './cli-io';

/**
 * `rebuild [projection]`: replays the log from position 0 into fresh
 * collections and swaps them in (blue/green). Safe while the api runs: its
 * queries read the old generation until the swap, and its runner moves over.
 */
export const rebuild = async (events: EventStore, documents: DocumentStore, name: string | undefined, io: CliIo): Promise<ExitCode> => {
  const chosen = name === undefined ? PROJECTIONS : PROJECTIONS.filter((projection) => projection.name === name);
  if (chosen.length === 0) throw new UsageError(`no projection named ${JSON.stringify(name)}; projections: ${PROJECTIONS.map((p) => p.name).join(', ')}`);
  // One pass over the log feeds every chosen projection.
  for (const report of await rebuildProjections(events, documents, chosen)) {
    io.out(`rebuilt ${report.projection}: ${report.events} events to position ${report.position} in ${report.seconds.toFixed(2)} s (${Math.round(report.events / Math.max(report.seconds, 1e-3))} events/s), generation ${report.generation}`);
  }
  return 0;
};
