import { ANALYSTS } from './analysts';
import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { TrackingRow } from '@redress/projections';
import { CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { READERS } from '../complaints/complaint-actions';
import { parseId } from '../http/request';
import { parseCaseSearch } from './case-search';
import { toCsv } from './csv';
import { preferredOverJson } from '../http/accept';
import { parseAnalyticsQuery } from './analytics-query';
import type { QueryParams } from './query-params';
import { AnalyseComplaints, GetCaseView, GetProjectionStatus, ListTrackingRows, SearchCases, type AtPosition, type TrackingPage } from './read-model-queries';
import { parseMinPosition } from './read-your-writes';
import { encodeTrackingCursor, parseTrackingQuery } from './tracking-query';


/** The answer, with the position it reflects as X-Projection-Position. */
export const answer = <T>(reply: FastifyReply, { position, result }: AtPosition<T>): T => {
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
    const csv = preferredOverJson(accept, ['text/csv']) !== undefined;
    const query = parseTrackingQuery(params, csv);
    const listed: AtPosition<TrackingPage> = await this.queries.execute(new ListTrackingRows(query, parseMinPosition(minPosition)));
    const { rows, nextCursor, offset } = answer(reply, listed);
    if (!csv) return { items: rows, ...(nextCursor ? { nextCursor: encodeTrackingCursor(nextCursor, offset) } : {}) };
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

/** The tracking table's columns, DOMAIN.md section 2 (and whether the feedback says resolved, to filter on), titled in Chinese and English. */
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
  ['resolved', '是否解决 Resolved'],
  ['reviewOpinion', '审核意见 Review opinion'],
  ['confirmation', '确认 Confirmation'],
  ['stepName', '当前步骤 Current step'],
  ['status', '状态 Status'],
  ['overdue', '是否逾期 Overdue'],
  ['daysOpen', '已开天数 Days open'],
  ['id', '编号 Id'],
];
