import * as E from 'fp-ts/Either';
import { Appraiser, PERIOD_FORMS, STAFF_TABLE_COLUMNS, parsePeriod } from '@redress/appraisal';
import { utcOffsetMinutes } from '@redress/domain';
import type { EventStore } from '@redress/event-store';
import { PROJECTIONS, ProjectionCatalog, type DocumentStore } from '@redress/projections';
import { Department, VersionedPolicies, WEIGHTING_POLICY, type Clock } from '@redress/platform';
import { CommandLineError, UsageError, type CliIo, type ExitCode } from './cli-io';

export interface AppraisalOptions {
  readonly period?: string | undefined;
  readonly 'utc-offset'?: string | undefined;
  readonly department?: string | undefined;
  readonly 'policy-version'?: string | undefined;
}

/** Columns padded to their widest cell; numbers to the right. */
const aligned = (header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): string[] => {
  const cells = rows.map((row) => row.map((value) => (value === null ? '–' : String(value))));
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (row: readonly string[], numeric: (i: number) => boolean) => row.map((cell, i) => (numeric(i) ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(header, () => false), ...cells.map((row, r) => line(row, (i) => typeof rows[r]?.[i] === 'number'))];
};

/**
 * `appraisal --period P [--utc-offset Z] [--department D] [--policy-version N]`: the staff
 * ranking table from the appraisal read model, as GET /appraisal/staff gives it.
 */
export const appraisal = async (events: EventStore, documents: DocumentStore, options: AppraisalOptions, clock: Clock, io: CliIo): Promise<ExitCode> => {
  if (options.period === undefined) throw new CommandLineError(`appraisal needs --period: ${PERIOD_FORMS}`);
  const offset = utcOffsetMinutes(options['utc-offset'] ?? '+00:00');
  if (offset === undefined) throw new UsageError(`--utc-offset is an offset like +08:00 or --utc-offset=-05:00, not ${JSON.stringify(options['utc-offset'])}`);
  const period = parsePeriod(options.period, offset);
  if (!period) throw new UsageError(`--period ${JSON.stringify(options.period)} is not a period: ${PERIOD_FORMS}`);
  // As the api takes it (textParam): 1–200 characters, not only spaces, trimmed.
  if (options.department !== undefined && E.isLeft(Department.decode(options.department))) throw new UsageError('--department must be 1–200 characters, not only spaces');
  const department = options.department?.trim();
  const asked = options['policy-version'];
  if (asked !== undefined && !/^[1-9]\d{0,5}$/.test(asked)) throw new UsageError('--policy-version is a version number');
  const active = await new ProjectionCatalog(events, documents, PROJECTIONS).active('appraisal');
  if (!active) {
    io.err('the appraisal read model has not been built: start the api once, or run `npm run cli -- rebuild appraisal`');
    return 1;
  }
  const policies = new VersionedPolicies(WEIGHTING_POLICY, events, clock);
  const table = await new Appraiser(() => policies.versions(), () => events.headPosition()).staffTable(active, period, department, asked === undefined ? undefined : Number(asked), clock.now());
  if (E.isLeft(table)) {
    // A period not yet begun, a policy version or department that is not there: what was asked for, not a failed check.
    io.err(table.left.message);
    return 2;
  }
  const { policy, rows } = table.right;
  const head = await events.headPosition();
  io.out(`Staff appraisal ${period.label} (UTC${table.right.period.utcOffset})${department === undefined ? '' : `, department ${department}`}: ${table.right.period.from} to ${table.right.period.to}, as of ${table.right.asOf}${table.right.final ? ', final' : ', not final yet'}`);
  io.out(`Weighting policy version ${policy.version} (effective from ${policy.effectiveFrom})${policy.whatIf ? ', a what-if: not the version in effect for the period' : ''}`);
  if (active.position < head) io.out(`The read model is at log position ${active.position} of ${head}: the api catches it up.`);
  if (rows.length === 0) {
    io.out('Nobody handled a case in this period.');
    return 0;
  }
  for (const line of aligned(STAFF_TABLE_COLUMNS.map(({ en }) => en), rows.map((row) => STAFF_TABLE_COLUMNS.map(({ value }) => value(row))))) io.out(line);
  return 0;
};
