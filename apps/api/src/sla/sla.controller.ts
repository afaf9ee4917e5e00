import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { READERS } from '../complaints/complaint-actions';
import { ListSlaAtRisk, type AtRisk } from '../read-models/read-model-queries';

/** ISO-8601 durations of days, hours and minutes: P2D, PT24H, P1DT12H, PT30M. */
const DURATION = /^P(?:(\d{1,4})D)?(?:T(?:(\d{1,5})H)?(?:(\d{1,6})M)?)?$/;
const durationMs = (text: string): number | undefined => {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, days, hours, minutes] = match.map((part) => Number(part ?? 0));
  return (((days as number) * 24 + (hours as number)) * 60 + (minutes as number)) * 60_000;
};

@Controller('sla')
export class SlaController {
  constructor(private readonly queries: QueryBus) {}

  /** Open cases' steps and rectifications due within the window, or already past due. */
  @Get('at-risk')
  async atRisk(@Query('within') within: string | undefined, @CurrentStaff() staff: StaffMember) {
    requireRole(staff, READERS, 'reading the SLA board');
    const window = durationMs(within ?? 'PT24H');
    if (window === undefined) throw new BadRequestException({ code: 'INVALID_WITHIN', message: 'within is an ISO-8601 duration such as PT24H, P2D or P1DT12H' });
    return { within: within ?? 'PT24H', items: await this.queries.execute<ListSlaAtRisk, AtRisk[]>(new ListSlaAtRisk(window)) };
  }
}
