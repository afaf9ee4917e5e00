import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { READERS } from '../complaints/complaint-actions';
import { ListSlaAtRisk, type AtRisk } from '../read-models/read-model-queries';
import { durationMs } from './duration';

@Controller('sla')
export class SlaController {
  constructor(private readonly queries: QueryBus) {}

  /** Open cases' steps and rectifications due within the window, or already past due. */
  @Get('at-risk')
  async atRisk(@Query('within') within: string | undefined, @CurrentStaff() staff: StaffMember) {
    requireRole(staff, READERS, 'reading the SLA board');
    const window = durationMs(within ?? 'PT24H');
    if (window === undefined) throw new BadRequestException({ code: 'INVALID_WITHIN', message: 'within is an ISO-8601 duration of weeks, days, hours and minutes, such as PT24H, P2D, P1DT12H or P1W' });
    return { within: within ?? 'PT24H', items: await this.queries.execute<ListSlaAtRisk, AtRisk[]>(new ListSlaAtRisk(window)) };
  }
}
