import { HttpException, HttpStatus, Inject, NotFoundException } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  FACT_FIELDS,
  ScanCache,
  analyse,
  caseFact,
  countsSummaries,
  type SummaryDeadline,
  feedbackDueBy,
  inTotalOrder,
  trackingRow,
  type ActiveGeneration,
  type AnalyticsQuery,
  type AnalyticsResult,
  type CaseDocument,
  type Document,
  type Filter,
  type ProjectionCatalog,
  type ProjectionStatus,
  type RectificationDocument,
  type Sort,
  type TrackingRow,
} from '@redress/projections';
import type { SlaPolicy } from '@redress/contracts';
import type { Clock, VersionedPolicies } from '@redress/platform';
import { SLA_STEPS, summaryResolutionDeadlines } from '@redress/domain';
import type { EventStore } from '@redress/event-store';
import { CLOCK, EVENT_STORE, PROJECTION_CATALOG, SLA_POLICIES } from '../tokens';
import type { CaseSearch } from './case-search';
import { readable } from './read-your-writes';

/** A read-model answer and the log position it reflects (sent as X-Projection-Position). */
export interface AtPosition<T> {
  readonly position: number;
  readonly result: T;
}

/** What a document is to a client: `_id` becomes `id`, `_position` the position it reflects. */
const publicView = <D extends Document>({ _id, _position, ...rest }: D & { _position?: number }) => ({ id: _id, ...rest, position: _position });

/** The fields a search lists; the full view (content, timeline …) is at GET /cases/:id. */
const SUMMARY = [
  'status',
  'subject',
  'channel',
  'category',
  'severity',
  'urgency',
  'department',
  'assignee',
  'product',
  'region',
  'customerType',
  'receivedAt',
  'lastEventAt',
  'sla',
  'breached',
  'slaBreaches',
  'slaProgress',
  'outcome',
  'archiveSummary',
  'rootCauseCategory',
  'revision',
] as const;
const caseSummary = (document: CaseDocument) => ({ id: document._id, ...Object.fromEntries(SUMMARY.map((field) => [field, document[field] ?? null])) });

export class SearchCases {
  constructor(
    readonly search: CaseSearch,
    readonly minPosition: number | undefined,
  ) {}
}
@QueryHandler(SearchCases)
export class SearchCasesHandler implements IQueryHandler<SearchCases> {
  constructor(@Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog) {}
  async execute({ search, minPosition }: SearchCases) {
    const active = await readable(this.catalog, 'cases', minPosition);
    const page = await active.collection<CaseDocument>().find(search.filter, search);
    return { position: active.position, result: { items: page.items.map(caseSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }
}

export class GetCaseView {
  constructor(
    readonly id: string,
    readonly minPosition: number | undefined,
  ) {}
}
@QueryHandler(GetCaseView)
export class GetCaseViewHandler implements IQueryHandler<GetCaseView> {
  constructor(@Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog) {}
  async execute({ id, minPosition }: GetCaseView) {
    const active = await readable(this.catalog, 'cases', minPosition);
    const document = await active.collection<CaseDocument>().get(id);
    if (!document) throw new NotFoundException({ code: 'CASE_NOT_FOUND', message: `the case view has no complaint ${id} (at position ${active.position})` });
    return { position: active.position, result: publicView(document) };
  }
}

export interface TrackingQuery {
  readonly filter: (now: string) => Filter;
  readonly sort: Sort;
  /** A page of at most `limit` rows after `cursor`, or every row (the CSV export). */
  readonly page: { readonly limit: number; readonly cursor?: string; readonly offset: number } | 'all';
}
export interface TrackingPage {
  readonly rows: TrackingRow[];
  readonly nextCursor?: string;
  /** Rows listed so far: where the next page's numbering continues. */
  readonly offset: number;
}
export class ListTrackingRows {
  constructor(
    readonly query: TrackingQuery,
    readonly minPosition: number | undefined,
  ) {}
}
@QueryHandler(ListTrackingRows)
export class ListTrackingRowsHandler implements IQueryHandler<ListTrackingRows> {
  constructor(
    @Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ query, minPosition }: ListTrackingRows): Promise<AtPosition<TrackingPage>> {
    const active = await readable(this.catalog, 'rectifications', minPosition);
    const now = this.clock.now().toISOString();
    const filter = query.filter(now);
    if (query.page === 'all') {
      const rows = (await everyItem(this.catalog, active, filter, query.sort)).map((item, i) => trackingRow(i + 1, item, now));
      return { position: active.position, result: { rows, offset: rows.length } };
    }
    const { limit, cursor, offset } = query.page;
    const page = await active.collection<RectificationDocument>().find(filter, { sort: query.sort, limit, ...(cursor ? { cursor } : {}) });
    const rows = page.items.map((item, i) => trackingRow(offset + i + 1, item, now));
    return { position: active.position, result: { rows, offset: offset + rows.length, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }
}

/** What the export pages by: dispatch time (then id), which no event changes. */
const BY_DISPATCH: Sort = [['dispatch.dispatchedAt', 1]];
const EXPORT_PAGE = 1000;

/**
 * Every matching item once, in `sort`'s order (the CSV export). Paged by
 * dispatch time, an item updated meanwhile keeps its place, where paging by
 * `updatedAt` would list it twice or not at all; then sorted here as a find
 * would (an item per rectification, held whole for the CSV anyway). A rebuild
 * swapping generations drops the one read here 2 s later and its pages come
 * back empty: if it is no longer the active one at the end, 503, not a table
 * cut short.
 */
const everyItem = async (catalog: ProjectionCatalog, active: ActiveGeneration, filter: Filter, sort: Sort): Promise<RectificationDocument[]> => {
  const collection = active.collection<RectificationDocument>();
  const items: RectificationDocument[] = [];
  let cursor: string | undefined;
  do {
    const page = await collection.find(filter, { sort: BY_DISPATCH, limit: EXPORT_PAGE, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  if ((await catalog.active('rectifications'))?.generation !== active.generation) {
    throw new HttpException({ code: 'PROJECTION_NOT_READY', message: 'the rectifications read model was rebuilt while the export read it; ask again' }, HttpStatus.SERVICE_UNAVAILABLE);
  }
  return items.sort(inTotalOrder(sort));
};

export interface AtRisk {
  readonly kind: 'complaint' | 'rectification';
  readonly id: string;
  readonly step: string;
  readonly deadline: string;
  readonly breached: boolean;
}

/** The SLA board: open cases' steps and rectifications due within the window, or already past due. */
export class ListSlaAtRisk {
  constructor(readonly withinMs: number) {}
}
@QueryHandler(ListSlaAtRisk)
export class ListSlaAtRiskHandler implements IQueryHandler<ListSlaAtRisk> {
  constructor(
    @Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  /** As of the log's head: it waits (up to 5 s, then 503) for both read models to hold everything written. */
  async execute({ withinMs }: ListSlaAtRisk): Promise<AtPosition<AtRisk[]>> {
    const head = await this.events.headPosition();
    const [cases, rectifications] = await Promise.all([readable(this.catalog, 'cases', head), readable(this.catalog, 'rectifications', head)]);
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const horizon = new Date(now.getTime() + withinMs).toISOString();
    const due = (kind: AtRisk['kind'], step: string) => (row: unknown[]): AtRisk => {
      const [id, deadline] = row as [string, string];
      return { kind, id, step, deadline, breached: deadline < nowIso };
    };
    const steps = await Promise.all(
      SLA_STEPS.map(async (step) =>
        (await cases.collection().scan({ open: true, [`sla.${step}`]: { $lte: horizon }, [`slaProgress.${step}`]: { $exists: false } }, ['_id', `sla.${step}`])).map(due('complaint', step)),
      ),
    );
    const feedback = (await rectifications.collection().scan(feedbackDueBy(horizon), ['_id', 'dispatch.deadline'])).map(due('rectification', 'feedback'));
    // Both read models hold at least the lower of their positions.
    return { position: Math.min(cases.position, rectifications.position), result: [...steps.flat(), ...feedback].sort((a, b) => a.deadline.localeCompare(b.deadline)) };
  }
}

export class AnalyseComplaints {
  constructor(
    readonly query: AnalyticsQuery,
    readonly minPosition: number | undefined,
  ) {}
}
@QueryHandler(AnalyseComplaints)
export class AnalyseComplaintsHandler implements IQueryHandler<AnalyseComplaints> {
  private readonly facts = new ScanCache(FACT_FIELDS, caseFact);
  /**
   * Summary-resolution deadlines by SLA policy version (the business calendar is the policy's): each case's under
   * the version of its deadlines (classified, or reopened, under), so a later policy does not recount it; an imported case's under the one
   * in force. Rebuilt when a new version comes into force.
   */
  private summaries?: { readonly current: number; readonly deadline: SummaryDeadline };
  constructor(
    @Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog,
    @Inject(SLA_POLICIES) private readonly slaPolicies: VersionedPolicies<SlaPolicy>,
  ) {}
  async execute({ query, minPosition }: AnalyseComplaints): Promise<AtPosition<AnalyticsResult>> {
    const active = await readable(this.catalog, 'cases', minPosition);
    // Only summary resolutions need the policy (read from the log): every other figure comes from the read model alone.
    const deadline = countsSummaries(query) ? await this.summaryDeadlines() : undefined;
    return { position: active.position, result: analyse(query, await this.facts.rows(active), deadline) };
  }

  private async summaryDeadlines(): Promise<SummaryDeadline> {
    const { version: current } = await this.slaPolicies.current();
    if (this.summaries?.current !== current) {
      const byVersion = new Map((await this.slaPolicies.versions()).map(({ version, policy }) => [version, summaryResolutionDeadlines(policy)]));
      const inForce = byVersion.get(current) as (receivedAt: number) => number;
      this.summaries = { current, deadline: (receivedAt, version) => (byVersion.get(version ?? current) ?? inForce)(receivedAt) };
    }
    return this.summaries.deadline;
  }
}

export class GetProjectionStatus {}
@QueryHandler(GetProjectionStatus)
export class GetProjectionStatusHandler implements IQueryHandler<GetProjectionStatus> {
  constructor(@Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog) {}
  async execute(): Promise<{ projections: ProjectionStatus[] }> {
    return { projections: await this.catalog.status() };
  }
}

export const READ_MODEL_QUERY_HANDLERS = [SearchCasesHandler, GetCaseViewHandler, ListTrackingRowsHandler, AnalyseComplaintsHandler, GetProjectionStatusHandler, ListSlaAtRiskHandler];
