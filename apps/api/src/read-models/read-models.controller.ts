import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { RectificationStatus } from '@redress/contracts';
import { DIMENSIONS, METRICS, PERIODS, overdueFilter, type AnalyticsQuery, type Dimension, type Filter, type Metric, type Period, type TrackingRow } from '@redress/projections';
import { CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { READERS } from '../complaints/complaint-actions';
import { parseId } from '../http/request';
import { parseCaseSearch } from './case-search';
import { toCsv } from './csv';
import { booleanParam, inFilter, instantParam, integerParam, invalidQuery, listParam, refuseUnknown, sortParam, textParam, type QueryParams } from './query-params';
import { AnalyseComplaints, GetCaseView, GetProjectionStatus, ListTrackingRows, SearchCases, type AtPosition, type TrackingPage, type TrackingQuery } from './read-model-queries';
import { parseMinPosition } from './read-your-writes';

/** Analysis and projection health: the roles that study figures rather than work cases. */
export const ANALYSTS: readonly StaffMember['role'][] = ['supervisor', 'analysis', 'auditor', 'analyst', 'admin'];

const answer = <T>(reply: FastifyReply, { position, result }: AtPosition<T>): T => {
  void reply.header('x-projection-position', String(position));
  return result;
};

@Controller()
export class ReadModelsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('projections')
  projections(@CurrentStaff() staff: StaffMember) {
    requireRole(staff, ANALYSTS, 'reading projection status');
    return this.queries.execute(new GetProjectionStatus());
  }

  @Get('cases')
  async searchCases(@Query() params: QueryParams, @Headers('x-min-position') minPosition: string | undefined, @CurrentStaff() staff: StaffMember, @Res({ passthrough: true }) reply: FastifyReply) {
    requireRole(staff, READERS, 'searching cases');
    return answer(reply, await this.queries.execute(new SearchCases(parseCaseSearch(params), parseMinPosition(minPosition))));
  }

  @Get('cases/:id')
  async caseView(@Param('id') id: string, @Headers('x-min-position') minPosition: string | undefined, @CurrentStaff() staff: StaffMember, @Res({ passthrough: true }) reply: FastifyReply) {
    requireRole(staff, READERS, 'reading a case');
    return answer(reply, await this.queries.execute(new GetCaseView(parseId('COMPLAINT', id), parseMinPosition(minPosition))));
  }

  /** The tracking table (投诉问题整改跟踪表); `Accept: text/csv` gives every matching row as a spreadsheet. */
  @Get('rectifications')
  async trackingTable(
    @Query() params: QueryParams,
    @Headers('accept') accept: string | undefined,
    @Headers('x-min-position') minPosition: string | undefined,
    @CurrentStaff() staff: StaffMember,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    requireRole(staff, READERS, 'reading the rectification tracking table');
    const csv = /\btext\/csv\b/.test(accept ?? '');
    const query = parseTrackingQuery(params, csv);
    const listed: AtPosition<TrackingPage> = await this.queries.execute(new ListTrackingRows(query, parseMinPosition(minPosition)));
    const { rows, nextCursor, offset } = answer(reply, listed);
    if (!csv) return { items: rows, ...(nextCursor ? { nextCursor: Buffer.from(JSON.stringify({ c: nextCursor, n: offset })).toString('base64url') } : {}) };
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="rectification-tracking.csv"');
    return toCsv(
      TRACKING_COLUMNS.map(([, title]) => title),
      rows.map((row) => TRACKING_COLUMNS.map(([field]) => row[field])),
    );
  }

  @Get('analytics/complaints')
  async analytics(@Query() params: QueryParams, @Headers('x-min-position') minPosition: string | undefined, @CurrentStaff() staff: StaffMember, @Res({ passthrough: true }) reply: FastifyReply) {
    requireRole(staff, ANALYSTS, 'analysing complaints');
    return answer(reply, await this.queries.execute(new AnalyseComplaints(parseAnalyticsQuery(params), parseMinPosition(minPosition))));
  }
}

/** The tracking table's columns, DOMAIN.md section 2, titled in Chinese and English. */
const TRACKING_COLUMNS: ReadonlyArray<readonly [keyof TrackingRow, string]> = [
  ['no', '序号 No.'],
  ['problem', '问题 Problem'],
  ['sourceComplaints', '来源投诉 Source complaints'],
  ['department', '责任部门 Responsible department'],
  ['dispatchedAt', '分派日期 Dispatched'],
  ['suggestion', '整改建议 Suggestion'],
  ['deadline', '整改期限 Deadline'],
  ['measures', '整改措施 Measures'],
  ['responsiblePerson', '责任人 Responsible person'],
  ['plannedCompletion', '计划完成 Planned completion'],
  ['feedback', '解决情况反馈 Feedback'],
  ['reviewOpinion', '审核意见 Review opinion'],
  ['confirmation', '确认 Confirmation'],
  ['stepName', '当前步骤 Current step'],
  ['status', '状态 Status'],
  ['overdue', '是否逾期 Overdue'],
  ['daysOpen', '已开天数 Days open'],
  ['id', '编号 Id'],
];

export const TRACKING_PARAMETERS = ['department', 'step', 'status', 'overdue', 'dispatchedFrom', 'dispatchedTo', 'sort', 'limit', 'cursor'];
export const ANALYTICS_PARAMETERS = ['groupBy', 'period', 'from', 'to', 'metrics', ...DIMENSIONS];
const TRACKING_SORTS: Record<string, string> = { dispatchedAt: 'dispatch.dispatchedAt', deadline: 'dispatch.deadline', updatedAt: 'updatedAt' };

const parseTrackingQuery = (params: QueryParams, all: boolean): TrackingQuery => {
  refuseUnknown(params, TRACKING_PARAMETERS);
  const conditions: Filter[] = [];
  const department = listParam(params, 'department');
  if (department) conditions.push({ 'dispatch.department': inFilter(department) });
  const steps = listParam(params, 'step', { allowed: ['1', '2', '3', '4', '5'] });
  if (steps) conditions.push({ step: { $in: steps.map(Number) } });
  const status = listParam(params, 'status', { allowed: RectificationStatus.values });
  if (status) conditions.push({ status: inFilter(status) });
  const from = instantParam(params, 'dispatchedFrom');
  const to = instantParam(params, 'dispatchedTo');
  if (from || to) conditions.push({ 'dispatch.dispatchedAt': { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) } });
  const overdue = booleanParam(params, 'overdue');
  const { field, direction } = sortParam(params, Object.keys(TRACKING_SORTS), 'dispatchedAt');
  const limit = integerParam(params, 'limit', 1, 500) ?? 100;
  const cursor = textParam(params, 'cursor', 2000);
  return {
    filter: (now) => ({ $and: [...conditions, ...(overdue === undefined ? [] : [overdueFilter(overdue, now)])] }),
    sort: [[TRACKING_SORTS[field] as string, direction]],
    page: all ? 'all' : { limit, ...(cursor ? decodeTrackingCursor(cursor) : { offset: 0 }) },
  };
};

/** The table's cursor carries the row number to continue from, so 序号 runs on across pages. */
const decodeTrackingCursor = (cursor: string): { cursor: string; offset: number } => {
  try {
    const { c, n } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { c: unknown; n: unknown };
    if (typeof c === 'string' && Number.isSafeInteger(n) && (n as number) >= 0) return { cursor: c, offset: n as number };
  } catch {
    // fall through to the one error below
  }
  throw invalidQuery('the cursor does not belong to this table; start again without it');
};

const parseAnalyticsQuery = (params: QueryParams): AnalyticsQuery => {
  refuseUnknown(params, ANALYTICS_PARAMETERS);
  const groupBy = (listParam(params, 'groupBy', { allowed: DIMENSIONS }) ?? []) as Dimension[];
  if (new Set(groupBy).size !== groupBy.length || groupBy.length > 4) throw invalidQuery('groupBy takes up to 4 different dimensions');
  const period = listParam(params, 'period', { allowed: PERIODS });
  if (period && period.length !== 1) throw invalidQuery(`period is one of ${PERIODS.join(', ')}`);
  const metrics = (listParam(params, 'metrics', { allowed: METRICS }) ?? [...METRICS]) as Metric[];
  const from = instantParam(params, 'from');
  const to = instantParam(params, 'to');
  if (from && to && from >= to) throw invalidQuery('from must be before to');
  const filters = Object.fromEntries(DIMENSIONS.flatMap((dimension) => {
    const values = listParam(params, dimension, { missing: true });
    return values ? [[dimension, values]] : [];
  }));
  return { groupBy, metrics, filters, ...(period ? { period: period[0] as Period } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
};
