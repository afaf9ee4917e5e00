import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { STAFF_TABLE_BASIS_COLUMNS, STAFF_TABLE_COLUMNS, staffTableFileName, type StaffTable } from '@redress/appraisal';
import { CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { toCsv } from '../read-models/csv';
import { preferredOverJson } from '../http/accept';
import { textParam, type QueryParams } from '../read-models/query-params';
import type { AtPosition } from '../read-models/read-model-queries';
import { ANALYSTS } from '../read-models/analysts';
import { answer } from '../read-models/read-models.controller';
import { parseMinPosition } from '../read-models/read-your-writes';
import { parseAppraisalQuery, parseSubject } from './appraisal-query';
import { Appraise } from './appraisal-queries';

/**
 * Appraisal (考核): analysts see everyone's; a member of staff sees their own,
 * and department staff their department's, so each can see how they are measured.
 */
@Controller('appraisal')
export class AppraisalController {
  constructor(private readonly queries: QueryBus) {}

  /** The ranking table; `Accept: text/csv` gives it as a spreadsheet. */
  @Get('staff')
  async staffTable(
    @Query() params: QueryParams,
    @Headers('accept') accept: string | undefined,
    @Headers('x-min-position') minPosition: string | undefined,
    @CurrentStaff() staff: StaffMember,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    requireRole(staff, ANALYSTS, 'reading the staff appraisal table');
    const query = parseAppraisalQuery(params, ['department']);
    const table = answer(reply, (await this.queries.execute(new Appraise({ staffTable: true, department: textParam(params, 'department', 200) }, query, parseMinPosition(minPosition)))) as AtPosition<StaffTable>);
    if (preferredOverJson(accept, ['text/csv']) === undefined) return table;
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${staffTableFileName(table)}"`);
    const basis = STAFF_TABLE_BASIS_COLUMNS.map(({ value }) => value(table));
    return toCsv(
      [...STAFF_TABLE_COLUMNS, ...STAFF_TABLE_BASIS_COLUMNS].map(({ zh, en }) => `${zh} ${en}`),
      table.rows.map((row) => [...STAFF_TABLE_COLUMNS.map(({ value }) => value(row)), ...basis]),
    );
  }

  @Get('staff/:userId')
  async staffMember(@Param('userId') userId: string, @Query() params: QueryParams, @Headers('x-min-position') minPosition: string | undefined, @CurrentStaff() staff: StaffMember, @Res({ passthrough: true }) reply: FastifyReply) {
    const subject = parseSubject('STAFF', userId);
    if (staff.user !== subject) requireRole(staff, ANALYSTS, 'reading another member of staff’s appraisal');
    return answer(reply, await this.queries.execute(new Appraise({ kind: 'staff', id: subject }, parseAppraisalQuery(params), parseMinPosition(minPosition))));
  }

  @Get('departments/:department')
  async department(@Param('department') department: string, @Query() params: QueryParams, @Headers('x-min-position') minPosition: string | undefined, @CurrentStaff() staff: StaffMember, @Res({ passthrough: true }) reply: FastifyReply) {
    const subject = parseSubject('DEPARTMENT', department);
    if (!(staff.role === 'department' && staff.department === subject)) requireRole(staff, ANALYSTS, 'reading another department’s appraisal');
    return answer(reply, await this.queries.execute(new Appraise({ kind: 'department', id: subject }, parseAppraisalQuery(params), parseMinPosition(minPosition))));
  }
}
