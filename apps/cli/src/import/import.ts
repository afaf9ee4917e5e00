import { createWriteStream, existsSync, readFileSync, realpathSync, statSync, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { once } from 'node:events';
import * as E from 'fp-ts/Either';
import { ImportMapping, eventTypeEntry, fieldErrors, type EventMetadata } from '@redress/contracts';
import { complaintStream, historicComplaint, planImport, type HistoricComplaint, type ImportPlan, type SourceRecord } from '@redress/domain';
import { WrongExpectedRevisionError, uuidv7, type EventStore, type JsonObject, type RecordedEvent } from '@redress/event-store';
import { BULK_BATCH, externalRefComplaintId, type Clock } from '@redress/platform';
import { UsageError, type CliIo, type ExitCode } from '../cli-io';
import { SourceFileError, csvHeader, formatOf, sourceRows, type SourceFormat } from './records';

/** The command's options; the CLI refuses it without a file and a mapping before it opens a store. */
export interface ImportOptions {
  readonly file: string;
  readonly mapping: string;
  readonly 'dry-run'?: boolean;
  readonly rejects?: string;
}

/** How the import reports as it goes: a bar on a terminal, a plain line now and then otherwise. */
export interface ImportProgress {
  update(rows: number, fraction: number, rowsPerSecond: number): void;
  done(): void;
}

export interface ImportSummary {
  rows: number;
  imported: number;
  events: number;
  /** Already in the store: imported by an earlier run, or made by intake with the same external reference. */
  present: number;
  rejected: number;
}

/**
 * Appends in flight at once: two of the embedded bulk store's batches, one
 * committing while the next waits ready. (EventStoreDB takes each append on
 * its own; there the window only bounds the memory held.)
 */
const WINDOW = 2 * BULK_BATCH;

const SYSTEM_ACTOR = { user: 'import', role: 'system' };

/** The events of one history as the store takes them, with where they came from. */
const toAppend = (history: HistoricComplaint, source: string, row: number, runId: string) =>
  history.events.map((event) => {
    const metadata: EventMetadata = {
      actor: SYSTEM_ACTOR,
      occurredAt: event.occurredAt,
      correlationId: runId,
      causationId: runId,
      schemaVersion: eventTypeEntry(event.type)?.version ?? 1,
      import: { source, row },
    };
    return { id: uuidv7(), type: event.type, data: event.data as never, metadata: metadata as never };
  });

const readMapping = (path: string): ImportPlan => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`mapping ${path}: ${(error as Error).message}`);
  }
  const decoded = ImportMapping.decode(json);
  if (E.isLeft(decoded)) throw new UsageError(`mapping ${path} is not valid:\n${fieldErrors(decoded.left).map(({ path: at, message }) => `  - ${at}: ${message}`).join('\n')}`);
  const plan = planImport(decoded.right);
  if (E.isLeft(plan)) throw new UsageError(`mapping ${path} is not valid:\n${plan.left.map((problem) => `  - ${problem}`).join('\n')}`);
  return plan.right;
};

/** Every column the mapping reads must be in a CSV's header: a misspelt one would leave its field empty in every row, unseen. */
const checkHeader = async (file: string, plan: ImportPlan): Promise<void> => {
  let header: string[];
  try {
    header = await csvHeader(file);
  } catch (error) {
    if (error instanceof SourceFileError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  const missing = [...plan.columns].filter(([, column]) => !header.includes(column));
  if (missing.length > 0) {
    const named = missing.map(([field, column]) => `${JSON.stringify(column)} (mapped to ${field})`).join(', ');
    throw new UsageError(`${file}: the header has no column ${named}; its columns are ${header.map((column) => JSON.stringify(column)).join(', ')}`);
  }
};

const samePath = (a: string, b: string): boolean => resolve(a) === resolve(b) || (existsSync(a) && existsSync(b) && realpathSync(a) === realpathSync(b));

/** Rejected rows, one JSON object per line: the row number, every reason, and the row as read. */
class Rejects {
  /** Why the file can no longer be written (a full disk): the import stops at the next reject. */
  private broken?: Error;

  private constructor(
    private readonly out: WriteStream | undefined,
    private readonly io: CliIo,
  ) {
    out?.on('error', (error) => (this.broken ??= error));
  }

  /** Opens the rejects file before any row is read: a path that cannot be written stops the import at once. */
  static async open(path: string | undefined, io: CliIo): Promise<Rejects> {
    if (path === undefined) return new Rejects(undefined, io);
    const out = createWriteStream(path, { encoding: 'utf8' });
    try {
      await once(out, 'open');
    } catch (error) {
      throw new UsageError(`cannot write the rejects file ${path}: ${(error as Error).message}`);
    }
    return new Rejects(out, io);
  }

  async add(row: number, reasons: readonly string[], record: unknown): Promise<void> {
    if (this.out === undefined) {
      this.io.err(`row ${row} rejected: ${reasons.join('; ')}`);
      return;
    }
    if (this.broken) throw new Error(`cannot write the rejects file: ${this.broken.message}`);
    if (!this.out.write(`${JSON.stringify({ row, reasons, record })}\n`)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    const out = this.out;
    // A write fails after write() has returned (the disk is full): the last rejects may be lost even with no reject after them.
    // (`errored`: the stream is destroyed with its error a tick before it emits 'error'.)
    const failed = this.broken ?? out?.errored;
    if (failed) throw failed;
    if (!out || out.destroyed) return;
    await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
  }
}

/** What an existing case under a row's external reference is to that row. */
type Existing = 'present' | { readonly repeats: unknown } | { readonly other: string };

const importOf = (event: RecordedEvent): JsonObject | undefined => {
  const from = event.metadata.import;
  return typeof from === 'object' && from !== null && !Array.isArray(from) ? from : undefined;
};

/**
 * What the case already under the row's external reference (its first event) is to the row:
 * - a row of this very run wrote it: this row repeats that one (a reused ticket);
 * - the same complaint, imported before (an earlier run, or a mended or
 *   re-exported file, whose rows are numbered differently), or received by
 *   intake with that reference: present;
 * - another complaint under the same reference (another source system, or a
 *   ticket number the old system restarted each year): this row would vanish
 *   as "present", so it is refused, naming the case.
 * "The same", for an imported case, is the same source and the same receipt time.
 */
const existingCase = (first: RecordedEvent, history: HistoricComplaint, source: string, runId: string): Existing => {
  const from = importOf(first);
  if (first.metadata.correlationId === runId) return { repeats: from?.row };
  // Received by intake under the same reference (a cut-over): the same complaint, whatever time intake gave it.
  if (from === undefined) return 'present';
  const receivedAt = history.events[0]?.data.receivedAt;
  const theirs = first.data.receivedAt;
  if (from.source === source && theirs === receivedAt) return 'present';
  return { other: `imported from ${JSON.stringify(from.source)}, received ${String(theirs)}` };
};

/** An import whose file, mapping and options were checked, its rejects file open: what importComplaints runs. */
export interface CheckedImport {
  readonly options: ImportOptions;
  readonly format: SourceFormat;
  readonly plan: ImportPlan;
  readonly rejects: Rejects;
}

/** Refuses (UsageError) a file, mapping or option the import cannot take: before the store is opened, which creates it. */
export const checkImport = async (options: ImportOptions, io: CliIo): Promise<CheckedImport> => {
  if (!existsSync(options.file)) throw new UsageError(`no file ${options.file}`);
  const format: SourceFormat | undefined = formatOf(options.file);
  if (format === undefined) throw new UsageError(`${options.file}: the file name must end in .csv, .ndjson or .jsonl`);
  const rejectsPath = options.rejects;
  if (rejectsPath !== undefined && (samePath(rejectsPath, options.file) || samePath(rejectsPath, options.mapping))) {
    throw new UsageError(`--rejects ${rejectsPath} is the import's own ${samePath(rejectsPath, options.file) ? 'file' : 'mapping'}: writing the rejects there would erase it`);
  }
  const plan = readMapping(options.mapping);
  if (format === 'csv') await checkHeader(options.file, plan);
  // Last: a path that cannot be written is refused before anything else is made.
  return { options, format, plan, rejects: await Rejects.open(options.rejects, io) };
};

/**
 * `import --file F --mapping M [--dry-run] [--rejects R]`: writes each row of
 * a CSV or NDJSON export as a complaint history. Streams (one row in memory
 * per append in flight), so any size of file takes the same memory. The
 * external reference fixes the case's id and the stream must not exist yet,
 * so running the same import again writes nothing twice. Bad rows go to the
 * rejects file and the import goes on.
 */
export const importComplaints = async (store: EventStore, { options, format, plan, rejects }: CheckedImport, clock: Clock, io: CliIo, progress: ImportProgress): Promise<ExitCode> => {
  const dryRun = options['dry-run'] === true;
  const source = plan.mapping.source;
  const runId = `import-${uuidv7()}`;
  const size = Math.max(statSync(options.file).size, 1);
  const { rows, bytesRead } = sourceRows(options.file, format);
  const summary: ImportSummary = { rows: 0, imported: 0, events: 0, present: 0, rejected: 0 };
  /** Histories being written, by case id: a repeat of one waits for it, so the file's first row of a ticket is the one kept. */
  const inFlight = new Map<string, Promise<void>>();
  /**
   * Wakes the reader when a history is written and the window has room. (Racing
   * the window's promises instead left a reaction on each of them per row:
   * memory and time growing with the square of the window.)
   */
  let wakeReader: (() => void) | undefined;
  const roomInWindow = async (): Promise<void> => {
    while (inFlight.size >= WINDOW) await new Promise<void>((resolve) => (wakeReader = resolve));
  };
  let failure: unknown;
  const started = performance.now();
  let reportedAt = started;

  const write = async (history: HistoricComplaint, row: number, record: SourceRecord): Promise<void> => {
    // What settling needs of the history, taken now: the history itself can die before its append is answered,
    // so the appends in flight do not carry their histories through the young-generation collections meanwhile.
    // (The row's record is kept: a reused ticket's reject shows it, for the operator to give it a reference of its own.)
    const { complaintId, externalRef } = history;
    const eventCount = history.events.length;
    const earlier = inFlight.get(complaintId);
    if (earlier) await earlier;
    const stream = complaintStream(complaintId);
    // Written (or, in a dry run, would be), or what the case already under its reference is to it (see existingCase).
    const fate: Promise<'written' | Existing> = dryRun
      ? store.readStream(stream, { maxCount: 1 }).then(([first]) => (first === undefined ? 'written' : existingCase(first, history, source, runId)))
      : store.appendToStream(stream, toAppend(history, source, row, runId), 'no_stream').then(
          () => 'written' as const,
          async (error: unknown) => {
            if (!(error instanceof WrongExpectedRevisionError)) throw error;
            const [first] = await store.readStream(stream, { maxCount: 1 });
            return existingCase(first as RecordedEvent, history, source, runId);
          },
        );
    const written = fate.then(
      async (outcome) => {
        if (outcome === 'present') summary.present += 1;
        else if (outcome === 'written') {
          summary.imported += 1;
          summary.events += eventCount;
        } else {
          summary.rejected += 1;
          const reason =
            'repeats' in outcome
              ? `external reference ${JSON.stringify(externalRef)} was imported from row ${String(outcome.repeats)} of this file: this row is not written`
              : `external reference ${JSON.stringify(externalRef)} is already case ${complaintId} (${outcome.other}), another complaint than this row's: give this row a reference of its own`;
          await rejects.add(row, [reason], record);
        }
      },
    ).catch((error: unknown) => {
      failure ??= error;
    });
    const tracked = written.finally(() => {
      if (inFlight.get(complaintId) === tracked) inFlight.delete(complaintId);
      const wake = wakeReader;
      wakeReader = undefined;
      wake?.();
    });
    inFlight.set(complaintId, tracked);
    return tracked;
  };

  const now = clock.now().toISOString();
  try {
    for await (const item of rows) {
      if (failure !== undefined) break;
      summary.rows += 1;
      if ('problem' in item) {
        summary.rejected += 1;
        await rejects.add(item.row, [`row ${item.problem}`], null);
      } else {
        const history = historicComplaint(plan, item.record, now, externalRefComplaintId);
        if (E.isLeft(history)) {
          summary.rejected += 1;
          await rejects.add(item.row, history.left, item.record);
        } else {
          void write(history.right, item.row, item.record);
          await roomInWindow();
        }
      }
      const elapsed = performance.now();
      if (elapsed - reportedAt > 250) {
        reportedAt = elapsed;
        progress.update(summary.rows, bytesRead() / size, summary.rows / ((elapsed - started) / 1000));
      }
    }
  } catch (error) {
    // The source could not be read to its end (an unterminated quote, a read error): what was read is written, then it stops.
    failure ??= error;
  } finally {
    // Every append in flight finishes before the store can close.
    while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
    await rejects.close().catch((error: unknown) => {
      failure ??= new Error(`cannot write the rejects file: ${(error as Error).message}`);
    });
    progress.done();
  }
  const seconds = (performance.now() - started) / 1000;
  const verb = dryRun ? 'would import' : 'imported';
  io.out(`${dryRun ? 'dry run: nothing written. ' : ''}${options.file} (source ${source}): ${summary.rows} rows read`);
  io.out(`  ${verb}: ${summary.imported} complaints${dryRun ? '' : ` (${summary.events} events)`}`);
  io.out(`  already present: ${summary.present} (imported before, or received with the same external reference)`);
  io.out(`  rejected: ${summary.rejected}${summary.rejected > 0 && options.rejects ? ` (reasons in ${options.rejects})` : ''}`);
  io.out(`  ${seconds.toFixed(1)} s, ${Math.round(summary.rows / Math.max(seconds, 1e-3))} rows/s`);
  if (failure !== undefined) {
    const then = failure instanceof SourceFileError ? 'mend the file, then run the same import again' : 'run the same import again to go on';
    io.err(`import stopped: ${(failure as Error).message ?? String(failure)}. Rows written so far stay; ${then} (nothing is written twice).`);
    return 1;
  }
  return 0;
};

/** A bar that redraws itself on a terminal (stderr), so stdout keeps only the summary. */
export const terminalProgress = (stream: NodeJS.WriteStream): ImportProgress => ({
  update: (rows, fraction, rate) => {
    const width = 30;
    const filled = Math.min(width, Math.round(fraction * width));
    stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${rows} rows  ${Math.round(rate)} rows/s `);
  },
  done: () => stream.write('\n'),
});

/** Plain lines, at most one every five seconds: what a log file wants. */
export const plainProgress = (io: CliIo): ImportProgress => {
  let lastAt = 0;
  return {
    update: (rows, fraction, rate) => {
      if (Date.now() - lastAt < 5000) return;
      lastAt = Date.now();
      io.err(`import: ${rows} rows (${(fraction * 100).toFixed(0)}% of the file), ${Math.round(rate)} rows/s`);
    },
    done: () => undefined,
  };
};
