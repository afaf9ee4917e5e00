import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { READERS } from '../complaints/complaint-actions';
import { refuseUnknown, single, type QueryParams } from '../read-models/query-params';
import { ListSlaAtRisk, type AtPosition, type AtRisk } from '../read-models/read-model-queries';
import { answer } from '../read-models/read-models.controller';
import { durationMs } from './duration';

@Controller('sla')
export class SlaController {
  constructor(private readonly queries: QueryBus) {}

  /** Open cases' steps and rectifications due within the window, or already past due. */
  @Get('at-risk')
  async atRisk(@Query() params: QueryParams, @CurrentStaff() staff: StaffMember, @Res({ passthrough: true }) reply: FastifyReply) {
    requireRole(staff, READERS, 'reading the SLA board');
    refuseUnknown(params, ['within']);
    const within = single(params, 'within') ?? 'PT24H';
    const window = durationMs(within);
    if (window === undefined) throw new BadRequestException({ code: 'INVALID_WITHIN', message: 'within is an ISO-8601 duration of weeks, days, hours and minutes, such as PT24H, P2D, P1DT12H or P1W' });
    return { within, items: answer(reply, await this.queries.execute<ListSlaAtRisk, AtPosition<AtRisk[]>>(new ListSlaAtRisk(window))) };
  }
}
