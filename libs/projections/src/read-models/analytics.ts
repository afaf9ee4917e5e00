import { DAY_MS, periodBounds, periodOf, type Period } from '@redress/domain';
import type { Scalar, ScanRow } from '../document-store';
import { CASE_FACTS, type CaseFact } from './cases';
import { formatListValues } from './list-values';

/**
 * Complaint analysis (投诉分析), DOMAIN.md section 4: figures over the case
 * facts, grouped by any dimensions and by period of receipt (UTC), each cell
 * with a drill-down to exactly the cases behind it. The cohort of a cell is
 * the cases received in it; "open", "closed" … say where those cases stand now.
 */
export const DIMENSIONS = ['category', 'product', 'region', 'customerType', 'channel', 'severity', 'urgency', 'department', 'handler', 'rootCause', 'status'] as const;
export const METRICS = [
  'received',
  'open',
  'closed',
  'rejected',
  'withdrawn',
  'substantiatedRate',
  'firstResponseP50',
  'firstResponseP90',
  'resolutionP50',
  'resolutionP90',
  'summaryResolutions',
  'summaryResolutionRate',
  'slaCompliance',
  'satisfactionAvg',
  'reopenRate',
  'escalations',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type Metric = (typeof METRICS)[number];

export interface AnalyticsQuery {
  readonly groupBy: readonly Dimension[];
  readonly period?: Period;
  readonly metrics: readonly Metric[];
  /** Received at or after (inclusive), before `to` (exclusive); ISO instants. */
  readonly from?: string;
  readonly to?: string;
  /** Only cases whose dimension is one of these values (null: missing). */
  readonly filters: Partial<Record<Dimension, readonly (string | null)[]>>;
  /** The zone periods are counted in, minutes east of UTC (an office at +08:00: 480); UTC when absent. */
  readonly offsetMinutes?: number;
}

/** The facts in scan order, and the case-view fields to scan for them. */
const FACTS = Object.keys(CASE_FACTS) as CaseFact[];
export const FACT_FIELDS: readonly string[] = FACTS.map((fact) => CASE_FACTS[fact]);
const at = (fact: CaseFact): number => FACTS.indexOf(fact);
const RECEIVED = at('receivedAt');
const STATUS = at('status');
const SUBSTANTIATED = at('substantiated');
const FIRST_RESPONSE = at('firstResponseSeconds');
const RESOLUTION = at('resolutionSeconds');
const BREACHED = at('breached');
const SATISFACTION = at('satisfaction');
const REOPENS = at('reopenCount');
const ESCALATIONS = at('escalations');
const HANDLER = at('handler');
const SLA_POLICY_VERSION = at('slaPolicyVersion');
/** Where a fact keeps its receipt in ms, parsed once when it is loaded (see caseFact), not per case per query. */
const RECEIVED_MS = FACTS.length;

/** A scanned case-view row (FACT_FIELDS) as analyse reads it: the facts, then the receipt in ms. */
export const caseFact = (row: ScanRow): ScanRow => [...row, row[RECEIVED] === null ? null : Date.parse(row[RECEIVED] as string)];

class Cell {
  received = 0;
  closed = 0;
  rejected = 0;
  withdrawn = 0;
  substantiated = 0;
  rootCaused = 0;
  /** Collected as plain arrays, sorted once as typed arrays (a numeric sort without a comparator). */
  firstResponse: number[] | Float64Array = [];
  resolution: number[] | Float64Array = [];
  /** Closed cases closed within the summary-resolution deadline of their receipt. */
  summary = 0;
  /** Cases held to SLA deadlines (all but imported ones), and those of them in breach. */
  slaTracked = 0;
  breached = 0;
  satisfactionSum = 0;
  satisfied = 0;
  reopened = 0;
  everClosed = 0;
  escalations = 0;
  /** Cases escalated at least once (`escalations` counts the escalations). */
  escalated = 0;
  /** Counted for teams only (the handler comparison, over handled cases): the handlers, and their closed cases. */
  readonly handlers = new Set<string>();
  handledClosed = 0;

  constructor(private readonly countsHandlers = false) {}

  /** Received and not yet closed, rejected or withdrawn. */
  get open(): number {
    return this.received - this.closed - this.rejected - this.withdrawn;
  }

  add(fact: ScanRow, summary: boolean): void {
    this.received += 1;
    if (summary) this.summary += 1;
    const status = fact[STATUS];
    if (status === 'closed') this.closed += 1;
    else if (status === 'rejected') this.rejected += 1;
    else if (status === 'withdrawn') this.withdrawn += 1;
    const substantiated = fact[SUBSTANTIATED];
    if (substantiated !== null) {
      this.rootCaused += 1;
      this.substantiated += substantiated as number;
    }
    if (fact[FIRST_RESPONSE] !== null) (this.firstResponse as number[]).push(fact[FIRST_RESPONSE] as number);
    if (fact[RESOLUTION] !== null) (this.resolution as number[]).push(fact[RESOLUTION] as number);
    if (fact[BREACHED] !== null) {
      this.slaTracked += 1;
      this.breached += fact[BREACHED] as number;
    }
    if (fact[SATISFACTION] !== null) {
      this.satisfied += 1;
      this.satisfactionSum += fact[SATISFACTION] as number;
    }
    const reopened = (fact[REOPENS] as number) > 0;
    if (reopened) this.reopened += 1;
    if (reopened || status === 'closed') this.everClosed += 1;
    this.escalations += fact[ESCALATIONS] as number;
    if ((fact[ESCALATIONS] as number) > 0) this.escalated += 1;
    if (this.countsHandlers) {
      this.handlers.add(fact[HANDLER] as string);
      if (status === 'closed') this.handledClosed += 1;
    }
  }

  /** Adds another cell's cases: totals are the sum of the groups, not a second pass over every fact. */
  merge(other: Cell): void {
    for (const counter of ['received', 'summary', 'closed', 'rejected', 'withdrawn', 'substantiated', 'rootCaused', 'slaTracked', 'breached', 'satisfactionSum', 'satisfied', 'reopened', 'everClosed', 'escalations', 'escalated'] as const) {
      this[counter] += other[counter];
    }
    for (const value of other.firstResponse) (this.firstResponse as number[]).push(value);
    for (const value of other.resolution) (this.resolution as number[]).push(value);
  }

  /** Percentiles need sorted samples; sorted once, when the figures are read. */
  sorted(): this {
    this.firstResponse = Float64Array.from(this.firstResponse).sort();
    this.resolution = Float64Array.from(this.resolution).sort();
    return this;
  }
}

/** Nearest rank: the smallest value with at least p of the values at or below it. */
export const percentile = (sorted: ArrayLike<number>, p: number): number | null => (sorted.length === 0 ? null : (sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number));
/** A share, or null with nothing to divide by. */
export const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

const figure = (cell: Cell, metric: Metric): number | null => {
  switch (metric) {
    case 'received':
      return cell.received;
    case 'open':
    case 'closed':
    case 'rejected':
    case 'withdrawn':
      return cell[metric];
    case 'substantiatedRate':
      return ratio(cell.substantiated, cell.rootCaused);
    case 'firstResponseP50':
      return percentile(cell.firstResponse, 0.5);
    case 'firstResponseP90':
      return percentile(cell.firstResponse, 0.9);
    case 'resolutionP50':
      return percentile(cell.resolution, 0.5);
    case 'resolutionP90':
      return percentile(cell.resolution, 0.9);
    case 'summaryResolutions':
      return cell.summary;
    case 'summaryResolutionRate':
      return ratio(cell.summary, cell.closed);
    case 'slaCompliance':
      return ratio(cell.slaTracked - cell.breached, cell.slaTracked);
    case 'satisfactionAvg':
      return ratio(cell.satisfactionSum, cell.satisfied);
    case 'reopenRate':
      return ratio(cell.reopened, cell.everClosed);
    case 'escalations':
      return cell.escalations;
  }
};

/** `/cases` parameter for each dimension: the handler is the case's assignee. */
const CASE_PARAM: Record<Dimension, string> = { ...(Object.fromEntries(DIMENSIONS.map((d) => [d, d])) as Record<Dimension, string>), handler: 'assignee' };

const later = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined || a > b ? a : b);
const earlier = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined || a < b ? a : b);

/** A period's bounds (UTC midnights) as the instants they are in a zone `offsetMs` east of UTC: its local midnights. */
const zoned = (bounds: { start: string; end: string }, offsetMs: number): { start: string; end: string } =>
  offsetMs === 0 ? bounds : { start: new Date(Date.parse(bounds.start) - offsetMs).toISOString(), end: new Date(Date.parse(bounds.end) - offsetMs).toISOString() };

/** The `/cases` parameters that list exactly a cell's cases. */
const cellParams = (query: AnalyticsQuery, values: Partial<Record<Dimension, string | null>>, bounds?: { start: string; end: string }): URLSearchParams => {
  const params = new URLSearchParams();
  const from = later(query.from, bounds?.start);
  const to = earlier(query.to, bounds?.end);
  if (from) params.set('receivedFrom', from);
  if (to) params.set('receivedTo', to);
  for (const dimension of DIMENSIONS) {
    const value = values[dimension];
    const filter = query.filters[dimension];
    if (value !== undefined) params.set(CASE_PARAM[dimension], formatListValues([value]));
    else if (filter) params.set(CASE_PARAM[dimension], formatListValues(filter));
  }
  return params;
};

const casesHref = (params: URLSearchParams): string => {
  const search = params.toString();
  return search === '' ? '/cases' : `/cases?${search}`;
};

/**
 * The cases behind a figure (DOMAIN.md: drill from any figure to its cases), for each figure that counts a set of
 * cases or has one as its numerator: the `/cases` parameter narrowing the cell to them, and how many there are.
 * Percentiles, satisfaction and summary resolutions (counted by the SLA policy's business calendar) have none.
 */
const FIGURE_CASES = {
  open: { metric: 'open', param: ['open', 'true'], count: (cell: Cell) => cell.open },
  closed: { metric: 'closed', param: ['status', 'closed'], count: (cell: Cell) => cell.closed },
  rejected: { metric: 'rejected', param: ['status', 'rejected'], count: (cell: Cell) => cell.rejected },
  withdrawn: { metric: 'withdrawn', param: ['status', 'withdrawn'], count: (cell: Cell) => cell.withdrawn },
  substantiated: { metric: 'substantiatedRate', param: ['substantiated', 'true'], count: (cell: Cell) => cell.substantiated },
  breached: { metric: 'slaCompliance', param: ['breached', 'true'], count: (cell: Cell) => cell.breached },
  reopened: { metric: 'reopenRate', param: ['reopened', 'true'], count: (cell: Cell) => cell.reopened },
  escalated: { metric: 'escalations', param: ['escalated', 'true'], count: (cell: Cell) => cell.escalated },
} satisfies Record<string, { metric: Metric; param: readonly [string, string]; count: (cell: Cell) => number }>;

export interface DrillDown {
  readonly count: number;
  readonly href: string;
}
/** A cell's cases, and those behind each of its figures that count cases. */
export type CellDrillDown = DrillDown & { readonly figures: Readonly<Record<string, DrillDown>> };

/**
 * The figures' case sets a query's cells carry: those of the metrics asked for, but status ones where the cell fixes
 * the status already (their list is the cell's, or none): a row grouped by status, any cell under a status filter.
 */
const figureCasesOf = (query: AnalyticsQuery, statusFixed: boolean) =>
  Object.entries(FIGURE_CASES).filter(([, { metric, param }]) => query.metrics.includes(metric) && !(statusFixed && param[0] === 'status'));

/**
 * A cell's cases, and those behind each of `sets` (by the set's name: `closed`, `breached` …). Each set's parameter
 * is one the cell's own never holds (status ones are left out where it does), so it is appended, not merged.
 */
const drillDown = (cell: Cell, params: URLSearchParams, sets: ReturnType<typeof figureCasesOf>): CellDrillDown => {
  const href = casesHref(params);
  const separator = href.includes('?') ? '&' : '?';
  const figures: Record<string, DrillDown> = {};
  for (const [name, { param, count }] of sets) figures[name] = { count: count(cell), href: `${href}${separator}${param[0]}=${param[1]}` };
  return { count: cell.received, href, figures };
};

export interface AnalyticsRow {
  readonly [field: string]: unknown;
  readonly drillDown: CellDrillDown;
}
export interface AnalyticsResult {
  readonly rows: AnalyticsRow[];
  readonly totals: AnalyticsRow;
}

const compareValues = (a: Scalar, b: Scalar): number => (a === b ? 0 : a === null ? 1 : b === null ? -1 : String(a) < String(b) ? -1 : 1);
/** A group's key: the period and the values (all but `skip`), null kept apart from any text. */
const keyOf = (period: string, fact: readonly Scalar[], columns: readonly number[], skip = -1): string => {
  let key = period;
  for (let i = 0; i < columns.length; i += 1) {
    if (i === skip) continue;
    const value = fact[columns[i] as number];
    key += value === null ? '\u001f\u0000' : `\u001f${String(value)}`;
  }
  return key;
};

/** The team key of a group, as keyOf builds it from a fact. */
const teamKey = (period: string, values: readonly Scalar[], handlerAt: number): string => keyOf(period, values, values.map((_, i) => i), handlerAt);

interface Group {
  readonly period: string;
  readonly values: Scalar[];
  readonly cell: Cell;
}

/**
 * By when a case received at a time (ms) must be closed to be a summary
 * resolution, under the SLA policy version of its deadlines (null for
 * a case never held to deadlines: an imported one).
 */
export type SummaryDeadline = (receivedAt: number, policyVersion: number | null) => number;

/** Whether the query asks for summary resolutions, which need the business calendar (the SLA policy) to count. */
export const countsSummaries = (query: AnalyticsQuery): boolean => query.metrics.includes('summaryResolutions') || query.metrics.includes('summaryResolutionRate');

/**
 * The figures for each group of case facts (scanned as FACT_FIELDS, read by caseFact), rows
 * ordered by period then dimensions. With `handler` among the dimensions each
 * row also carries its team's figures (same other dimensions), to set a
 * person's efficiency against the team average. `summaryDeadline` is needed
 * only when the query counts summary resolutions.
 */
export const analyse = (query: AnalyticsQuery, facts: Iterable<ScanRow>, summaryDeadline?: SummaryDeadline): AnalyticsResult => {
  if (countsSummaries(query) && summaryDeadline === undefined) throw new Error('summary resolutions need their deadlines (summaryResolutionDeadlines)');
  const isSummary = (fact: ScanRow): boolean => {
    if (summaryDeadline === undefined || fact[STATUS] !== 'closed' || fact[RESOLUTION] === null) return false;
    const at = fact[RECEIVED_MS] as number;
    return at + (fact[RESOLUTION] as number) * 1000 <= summaryDeadline(at, fact[SLA_POLICY_VERSION] as number | null);
  };
  const dimensions = query.groupBy.map(at);
  const handlerAt = query.groupBy.indexOf('handler');
  // A handler's team is every handler under the same other filters: a filter on handler picks the rows, not the team.
  const filtersOf = (only: (dimension: string) => boolean) =>
    Object.entries(query.filters)
      .filter(([dimension]) => only(dimension))
      .map(([dimension, values]) => [at(dimension as Dimension), new Set(values)] as const);
  const filters = filtersOf((dimension) => dimension !== 'handler' || handlerAt < 0);
  const handlerFilter = handlerAt < 0 ? [] : filtersOf((dimension) => dimension === 'handler');
  const passes = (fact: ScanRow, some: ReturnType<typeof filtersOf>) => some.every(([i, allowed]) => allowed.has(fact[i] as string | null));
  /** Period labels by day number (days since 1970 in the query's zone): worked out once a day, not once a case. */
  const periods = new Map<number, string>();
  const offsetMs = (query.offsetMinutes ?? 0) * 60_000;
  const periodOfFact = (fact: ScanRow): string => {
    if (!query.period) return '';
    const day = Math.floor(((fact[RECEIVED_MS] as number) + offsetMs) / DAY_MS);
    let label = periods.get(day);
    if (label === undefined) {
      label = periodOf(query.period, new Date(day * DAY_MS).toISOString());
      periods.set(day, label);
    }
    return label;
  };
  const groups = new Map<string, Group>();
  const teams = new Map<string, Cell>();
  const totals = new Cell();
  const groupOf = <T>(map: Map<string, T>, key: string, make: () => T): T => {
    let found = map.get(key);
    if (found === undefined) {
      found = make();
      map.set(key, found);
    }
    return found;
  };
  for (const fact of facts) {
    const received = fact[RECEIVED] as string | null;
    if (received === null || (query.from !== undefined && received < query.from) || (query.to !== undefined && received >= query.to)) continue;
    if (filters.length > 0 && !passes(fact, filters)) continue;
    const period = periodOfFact(fact);
    const summary = isSummary(fact);
    // The team: cases someone handled (an unassigned backlog is nobody's to be compared with).
    if (handlerAt >= 0 && fact[HANDLER] !== null) groupOf(teams, keyOf(period, fact, dimensions, handlerAt), () => new Cell(true)).add(fact, summary);
    if (handlerFilter.length > 0 && !passes(fact, handlerFilter)) continue;
    groupOf(groups, keyOf(period, fact, dimensions), () => ({ period, values: dimensions.map((i) => fact[i] as Scalar), cell: new Cell() })).cell.add(fact, summary);
  }
  for (const { cell } of groups.values()) totals.merge(cell);
  totals.sorted();
  teams.forEach((team) => team.sorted());
  const figures = (cell: Cell) => Object.fromEntries(query.metrics.map((metric) => [metric, figure(cell, metric)]));
  const statusFiltered = query.filters.status !== undefined;
  const rowSets = figureCasesOf(query, statusFiltered || query.groupBy.includes('status'));

  const rows = [...groups.values()]
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.values.reduce<number>((order, value, i) => order || compareValues(value, b.values[i] as Scalar), 0)))
    .map(({ period, values, cell }): AnalyticsRow => {
      cell.sorted();
      const named = Object.fromEntries(query.groupBy.map((dimension, i) => [dimension, values[i] as string | null]));
      const bounds = query.period ? zoned(periodBounds(query.period, period), offsetMs) : undefined;
      const team = handlerAt >= 0 ? teams.get(teamKey(period, values, handlerAt)) : undefined;
      return {
        ...(query.period ? { period } : {}),
        ...named,
        ...figures(cell),
        ...(team
          ? {
              team: {
                handlers: team.handlers.size,
                closedPerHandler: team.handlers.size === 0 ? null : team.handledClosed / team.handlers.size,
                firstResponseP50: percentile(team.firstResponse, 0.5),
                resolutionP50: percentile(team.resolution, 0.5),
                slaCompliance: ratio(team.slaTracked - team.breached, team.slaTracked),
                satisfactionAvg: ratio(team.satisfactionSum, team.satisfied),
              },
            }
          : {}),
        drillDown: drillDown(cell, cellParams(query, named, bounds), rowSets),
      };
    });
  return { rows, totals: { ...figures(totals), drillDown: drillDown(totals, cellParams(query, {}), figureCasesOf(query, statusFiltered)) } };
};
