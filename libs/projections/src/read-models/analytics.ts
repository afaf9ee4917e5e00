import type { Filter, Scalar, ScanRow } from '../document-store';

/**
 * Complaint analysis (投诉分析), DOMAIN.md section 4: figures over the case
 * facts, grouped by any dimensions and by period of receipt (UTC), each cell
 * with a drill-down to exactly the cases behind it. The cohort of a cell is
 * the cases received in it; "open", "closed" … say where those cases stand now.
 */
export const DIMENSIONS = ['category', 'product', 'region', 'customerType', 'channel', 'severity', 'urgency', 'department', 'handler', 'rootCause', 'status'] as const;
export const PERIODS = ['day', 'week', 'month', 'quarter'] as const;
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
  'slaCompliance',
  'satisfactionAvg',
  'reopenRate',
  'escalations',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type Period = (typeof PERIODS)[number];
export type Metric = (typeof METRICS)[number];

/** How a missing value (an unclassified case's category …) is written in a drill-down link. */
export const NONE = '(none)';

export interface AnalyticsQuery {
  readonly groupBy: readonly Dimension[];
  readonly period?: Period;
  readonly metrics: readonly Metric[];
  /** Received at or after (inclusive), before `to` (exclusive); ISO instants. */
  readonly from?: string;
  readonly to?: string;
  /** Only cases whose dimension is one of these values (null: missing). */
  readonly filters: Partial<Record<Dimension, readonly (string | null)[]>>;
}

/** The fact fields each metric reads. */
const INPUTS: Record<Metric, readonly string[]> = {
  received: [],
  open: ['status'],
  closed: ['status'],
  rejected: ['status'],
  withdrawn: ['status'],
  substantiatedRate: ['substantiated'],
  firstResponseP50: ['firstResponseSeconds'],
  firstResponseP90: ['firstResponseSeconds'],
  resolutionP50: ['resolutionSeconds'],
  resolutionP90: ['resolutionSeconds'],
  slaCompliance: ['breached'],
  satisfactionAvg: ['satisfaction'],
  reopenRate: ['reopened', 'everClosed'],
  escalations: ['escalations'],
};
const TEAM_INPUTS = ['status', 'firstResponseSeconds', 'resolutionSeconds', 'breached', 'satisfaction'];

/** The filter on the case facts: the receipt window and the dimension filters. */
export const factsFilter = (query: Pick<AnalyticsQuery, 'from' | 'to' | 'filters'>): Filter => {
  const received = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
  return {
    ...(query.from || query.to ? { receivedAt: received } : {}),
    ...Object.fromEntries(Object.entries(query.filters).map(([dimension, values]) => [dimension, { $in: values as Scalar[] }])),
  };
};

/** The fact fields a query needs, in scan order. */
export const factFields = (query: AnalyticsQuery): string[] => [
  ...new Set(['receivedAt', ...query.groupBy, ...query.metrics.flatMap((metric) => INPUTS[metric]), ...(query.groupBy.includes('handler') ? TEAM_INPUTS : [])]),
];

class Cell {
  received = 0;
  readonly statuses = new Map<string, number>();
  substantiated = 0;
  rootCaused = 0;
  readonly firstResponse: number[] = [];
  readonly resolution: number[] = [];
  breached = 0;
  satisfactionSum = 0;
  satisfied = 0;
  reopened = 0;
  everClosed = 0;
  escalations = 0;
  readonly handlers = new Set<string>();
}

/** Nearest rank: the smallest value with at least p of the values at or below it. */
export const percentile = (sorted: readonly number[], p: number): number | null => (sorted.length === 0 ? null : (sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number));
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const TERMINAL = ['closed', 'rejected', 'withdrawn'];

const figure = (cell: Cell, metric: Metric): number | null => {
  const status = (name: string) => cell.statuses.get(name) ?? 0;
  switch (metric) {
    case 'received':
      return cell.received;
    case 'open':
      return cell.received - TERMINAL.reduce((sum, name) => sum + status(name), 0);
    case 'closed':
    case 'rejected':
    case 'withdrawn':
      return status(metric);
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
    case 'slaCompliance':
      return ratio(cell.received - cell.breached, cell.received);
    case 'satisfactionAvg':
      return ratio(cell.satisfactionSum, cell.satisfied);
    case 'reopenRate':
      return ratio(cell.reopened, cell.everClosed);
    case 'escalations':
      return cell.escalations;
  }
};

/** A period's label and its [start, end) in UTC. */
export const periodOf = (period: Period, instant: string): string => {
  switch (period) {
    case 'day':
      return instant.slice(0, 10);
    case 'month':
      return instant.slice(0, 7);
    case 'quarter':
      return `${instant.slice(0, 4)}-Q${Math.floor((Number(instant.slice(5, 7)) - 1) / 3) + 1}`;
    case 'week': {
      // ISO 8601: the week with the year's first Thursday is week 1.
      const date = new Date(Date.UTC(Number(instant.slice(0, 4)), Number(instant.slice(5, 7)) - 1, Number(instant.slice(8, 10))));
      date.setUTCDate(date.getUTCDate() + 4 - (date.getUTCDay() || 7));
      const week = Math.ceil(((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7);
      return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
    }
  }
};

export const periodBounds = (period: Period, label: string): { start: string; end: string } => {
  const utc = (year: number, month: number, day: number) => new Date(Date.UTC(year, month, day)).toISOString();
  const year = Number(label.slice(0, 4));
  switch (period) {
    case 'day': {
      const [, month, day] = label.split('-').map(Number) as [number, number, number];
      return { start: utc(year, month - 1, day), end: utc(year, month - 1, day + 1) };
    }
    case 'month': {
      const month = Number(label.slice(5, 7));
      return { start: utc(year, month - 1, 1), end: utc(year, month, 1) };
    }
    case 'quarter': {
      const first = (Number(label.slice(6)) - 1) * 3;
      return { start: utc(year, first, 1), end: utc(year, first + 3, 1) };
    }
    case 'week': {
      const week = Number(label.slice(6));
      const jan4 = new Date(Date.UTC(year, 0, 4));
      const monday = 4 - (jan4.getUTCDay() || 7) + 1 + (week - 1) * 7;
      return { start: utc(year, 0, monday), end: utc(year, 0, monday + 7) };
    }
  }
};

/** `/cases` parameter for each dimension: the handler is the case's assignee. */
const CASE_PARAM: Record<Dimension, string> = { ...(Object.fromEntries(DIMENSIONS.map((d) => [d, d])) as Record<Dimension, string>), handler: 'assignee' };

const later = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined || a > b ? a : b);
const earlier = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined || a < b ? a : b);

/** The `/cases` query that lists exactly a cell's cases. */
export const drillDownHref = (query: AnalyticsQuery, values: Partial<Record<Dimension, string | null>>, bounds?: { start: string; end: string }): string => {
  const params = new URLSearchParams();
  const from = later(query.from, bounds?.start);
  const to = earlier(query.to, bounds?.end);
  if (from) params.set('receivedFrom', from);
  if (to) params.set('receivedTo', to);
  for (const dimension of DIMENSIONS) {
    const value = values[dimension];
    const filter = query.filters[dimension];
    if (value !== undefined) params.set(CASE_PARAM[dimension], value ?? NONE);
    else if (filter) params.set(CASE_PARAM[dimension], filter.map((v) => v ?? NONE).join(','));
  }
  return `/cases?${params.toString()}`;
};

export interface AnalyticsRow {
  readonly [field: string]: unknown;
  readonly drillDown: { readonly count: number; readonly href: string };
}
export interface AnalyticsResult {
  readonly rows: AnalyticsRow[];
  readonly totals: AnalyticsRow;
}

const compareValues = (a: Scalar, b: Scalar): number => (a === b ? 0 : a === null ? 1 : b === null ? -1 : String(a) < String(b) ? -1 : 1);

/**
 * The figures for each group of facts, rows ordered by period then
 * dimensions. With `handler` among the dimensions each row also carries its
 * team's figures (same other dimensions), to set a person's efficiency
 * against the team average.
 */
export const analyse = (query: AnalyticsQuery, fields: readonly string[], facts: readonly ScanRow[]): AnalyticsResult => {
  const at = (field: string) => fields.indexOf(field);
  const iReceived = at('receivedAt');
  const dimensionIndexes = query.groupBy.map(at);
  const [iStatus, iSubstantiated, iFirst, iResolution, iBreached, iSatisfaction, iReopened, iEverClosed, iEscalations, iHandler] = [
    'status',
    'substantiated',
    'firstResponseSeconds',
    'resolutionSeconds',
    'breached',
    'satisfaction',
    'reopened',
    'everClosed',
    'escalations',
    'handler',
  ].map(at) as number[];
  const periods = new Map<string, string>();
  const periodKey = (received: Scalar): string => {
    if (!query.period || typeof received !== 'string') return '';
    const day = received.slice(0, 10);
    let label = periods.get(day);
    if (label === undefined) {
      label = periodOf(query.period, day);
      periods.set(day, label);
    }
    return label;
  };
  const handlerAt = query.groupBy.indexOf('handler');
  const cells = new Map<string, { period: string; values: Scalar[]; cell: Cell }>();
  const teams = new Map<string, Cell>();
  const totals = new Cell();
  const add = (cell: Cell, fact: ScanRow) => {
    cell.received += 1;
    if (iStatus !== undefined && iStatus >= 0) {
      const status = fact[iStatus] as string;
      cell.statuses.set(status, (cell.statuses.get(status) ?? 0) + 1);
    }
    if (iSubstantiated !== undefined && iSubstantiated >= 0 && fact[iSubstantiated] !== null) {
      cell.rootCaused += 1;
      cell.substantiated += fact[iSubstantiated] as number;
    }
    if (iFirst !== undefined && iFirst >= 0 && fact[iFirst] !== null) cell.firstResponse.push(fact[iFirst] as number);
    if (iResolution !== undefined && iResolution >= 0 && fact[iResolution] !== null) cell.resolution.push(fact[iResolution] as number);
    if (iBreached !== undefined && iBreached >= 0) cell.breached += fact[iBreached] as number;
    if (iSatisfaction !== undefined && iSatisfaction >= 0 && fact[iSatisfaction] !== null) {
      cell.satisfied += 1;
      cell.satisfactionSum += fact[iSatisfaction] as number;
    }
    if (iReopened !== undefined && iReopened >= 0) {
      cell.reopened += fact[iReopened] as number;
      cell.everClosed += fact[iEverClosed as number] as number;
    }
    if (iEscalations !== undefined && iEscalations >= 0) cell.escalations += fact[iEscalations] as number;
    if (iHandler !== undefined && iHandler >= 0 && fact[iHandler] !== null) cell.handlers.add(fact[iHandler] as string);
  };
  for (const fact of facts) {
    const period = periodKey(fact[iReceived] as Scalar);
    const values = dimensionIndexes.map((i) => fact[i] as Scalar);
    const key = JSON.stringify([period, values]);
    let entry = cells.get(key);
    if (!entry) {
      entry = { period, values, cell: new Cell() };
      cells.set(key, entry);
    }
    add(entry.cell, fact);
    add(totals, fact);
    if (handlerAt >= 0) {
      const teamKey = JSON.stringify([period, values.filter((_, i) => i !== handlerAt)]);
      let team = teams.get(teamKey);
      if (!team) {
        team = new Cell();
        teams.set(teamKey, team);
      }
      add(team, fact);
    }
  }
  const sortCell = (cell: Cell) => {
    cell.firstResponse.sort((a, b) => a - b);
    cell.resolution.sort((a, b) => a - b);
  };
  [totals, ...teams.values(), ...[...cells.values()].map(({ cell }) => cell)].forEach(sortCell);
  const figures = (cell: Cell) => Object.fromEntries(query.metrics.map((metric) => [metric, figure(cell, metric)]));

  const rows = [...cells.values()]
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.values.reduce<number>((order, value, i) => order || compareValues(value, b.values[i] as Scalar), 0)))
    .map(({ period, values, cell }): AnalyticsRow => {
      const dimensions = Object.fromEntries(query.groupBy.map((dimension, i) => [dimension, values[i] as string | null]));
      const bounds = query.period ? periodBounds(query.period, period) : undefined;
      const team = handlerAt >= 0 ? (teams.get(JSON.stringify([period, values.filter((_, i) => i !== handlerAt)])) as Cell) : undefined;
      return {
        ...(query.period ? { period } : {}),
        ...dimensions,
        ...figures(cell),
        ...(team
          ? {
              team: {
                handlers: team.handlers.size,
                closedPerHandler: team.handlers.size === 0 ? null : (team.statuses.get('closed') ?? 0) / team.handlers.size,
                firstResponseP50: percentile(team.firstResponse, 0.5),
                resolutionP50: percentile(team.resolution, 0.5),
                slaCompliance: ratio(team.received - team.breached, team.received),
                satisfactionAvg: ratio(team.satisfactionSum, team.satisfied),
              },
            }
          : {}),
        drillDown: { count: cell.received, href: drillDownHref(query, dimensions, bounds) },
      };
    });
  return { rows, totals: { ...figures(totals), drillDown: { count: totals.received, href: drillDownHref(query, {}) } } };
};
