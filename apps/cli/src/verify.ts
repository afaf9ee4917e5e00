import { SqliteEventStore, verifyLog, type EventStore } from '@redress/event-store';
import type { CliIo, ExitCode } from './cli-io';

/**
 * `verify [--stream NAME]`: re-computes every hash chain (or one stream's)
 * and, on SQLite, checks that no event was cut from the log: also for one
 * stream, whose own chain cannot show that its last event was deleted.
 */
export const verify = async (store: EventStore, streamName: string | undefined, io: CliIo): Promise<ExitCode> => {
  const report = await verifyLog(store, streamName === undefined ? {} : { streamName });
  if (report.firstBreak) {
    const { streamName: stream, revision, position, reason } = report.firstBreak;
    io.out(`BROKEN stream ${stream} revision ${revision} (position ${position}): ${reason}`);
    return 1;
  }
  if (streamName !== undefined && report.events === 0) {
    io.err(`no stream named ${streamName}`);
    return 2;
  }
  const gap = store instanceof SqliteEventStore ? store.checkContinuity() : undefined;
  if (gap) {
    io.out(`BROKEN log: ${gap}`);
    return 1;
  }
  io.out(`OK ${report.events} events${streamName === undefined ? ` in ${report.streams} streams` : ` in stream ${streamName}`}`);
  return 0;
};
