import { SqliteEventStore, verifyLog, type SealedEventStore } from '@redress/event-store';
import type { CliIo, ExitCode } from './cli-io';

/**
 * `verify [--stream NAME]`: re-computes every hash chain (or one stream's)
 * and, on SQLite, checks that no event was cut from the log: also for one
 * stream, whose own chain cannot show that its last event was deleted. Then
 * that every sealed event still opens with its data key, unless its
 * complainant was erased: the chains cover the sealed text, not the keys.
 */
export const verify = async (store: SealedEventStore, streamName: string | undefined, io: CliIo): Promise<ExitCode> => {
  // The log as written: the chains cover personal data as sealed.
  const log = store.asStored;
  const report = await verifyLog(log, { ...(streamName === undefined ? {} : { streamName }), seals: store.sealAudit() });
  if (report.firstBreak) {
    const { streamName: stream, revision, position, reason } = report.firstBreak;
    io.out(`BROKEN stream ${stream} revision ${revision} (position ${position}): ${reason}`);
    return 1;
  }
  if (streamName !== undefined && report.events === 0) {
    io.err(`no stream named ${streamName}`);
    return 2;
  }
  const gap = log instanceof SqliteEventStore ? log.checkContinuity() : undefined;
  if (gap) {
    io.out(`BROKEN log: ${gap}`);
    return 1;
  }
  const seals = report.seals ?? { sealed: 0, erased: 0, unreadable: 0 };
  if (seals.firstUnreadable) {
    const { streamName: stream, revision, position, reason } = seals.firstUnreadable;
    const others = seals.unreadable > 1 ? ` (${seals.unreadable} sealed events in all)` : '';
    io.out(`UNREADABLE stream ${stream} revision ${revision} (position ${position}): ${reason}${others}`);
    return 1;
  }
  const scope = streamName === undefined ? ` in ${report.streams} streams` : ` in stream ${streamName}`;
  io.out(`OK ${report.events} events${scope}; ${seals.sealed - seals.erased} sealed open with their keys, ${seals.erased} erased`);
  return 0;
};
