import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import * as E from 'fp-ts/Either';
import { ReceiveComplaintBody, instant } from '@redress/contracts';
import type { ComplaintCommand } from '@redress/domain';
import { uuidv7 } from '@redress/event-store';
import { externalRefComplaintId, type Clock, type Config } from '@redress/platform';
import { CorrelationId, CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { COMPLAINT_ACTIONS, READERS, RECEIVERS } from './complaint-actions';
import type { CommandOutcome } from '../commands/decide-and-append';
import { decodeBody, parseId, parseIfMatch, tagged } from '../http/request';
import { HandleComplaintCommand } from './complaint-command';
import { GetComplaint, GetComplaintHistory, GetComplaintStateAt, VerifyComplaint } from './complaint-queries';
import { idempotency, parseIdempotencyKey } from '../http/idempotency';
import { actionFor } from '../http/actions';
import { RateLimiter } from '../http/rate-limit';
import { CLOCK, CONFIG } from '../tokens';

@Controller('complaints')
export class ComplaintsController {
  private readonly intake: RateLimiter;

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(CONFIG) config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.intake = new RateLimiter(config.intakeRateLimit);
  }

  @Post()
  async receive(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentStaff() staff: StaffMember,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    requireRole(staff, RECEIVERS, 'receiving a complaint');
    this.intake.take(staff.user, this.clock.now(), 'receiving complaints');
    const received = decodeBody(ReceiveComplaintBody, body);
    const key = parseIdempotencyKey(idempotencyKey);
    // The external reference identifies the complaint itself; otherwise the caller's key identifies the request.
    const keyed = received.externalRef === undefined ? idempotency('complaint', key, staff.user, received) : undefined;
    const id = received.externalRef !== undefined ? externalRefComplaintId(received.externalRef) : (keyed?.id ?? uuidv7());
    const command: ComplaintCommand = { type: 'ReceiveComplaint', complaintId: id, body: received };
    const outcome: CommandOutcome = await this.commands.execute(new HandleComplaintCommand(id, command, staff, correlationId, undefined, keyed?.fingerprint));
    tagged(reply, 'complaints', outcome);
    void reply.status(outcome.created ? 201 : 200);
    return { id: outcome.id, revision: outcome.revision, position: outcome.position };
  }

  @Post(':id/resolution/:decision')
  @HttpCode(200)
  decideResolution(
    @Param('id') id: string,
    @Param('decision') decision: string,
    @Body() body: unknown,
    @Headers('if-match') match: string | undefined,
    @CurrentStaff() staff: StaffMember,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.act(id, `resolution/${decision}`, body, match, staff, correlationId, reply);
  }

  @Post(':id/:action')
  @HttpCode(200)
  perform(
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Headers('if-match') match: string | undefined,
    @CurrentStaff() staff: StaffMember,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.act(id, action, body, match, staff, correlationId, reply);
  }

  @Get(':id')
  async get(@Param('id') id: string, @CurrentStaff() staff: StaffMember, @Res({ passthrough: true }) reply: FastifyReply) {
    requireRole(staff, READERS, 'reading a complaint');
    const view = await this.queries.execute(new GetComplaint(parseId('COMPLAINT', id)));
    tagged(reply, 'complaints', view);
    return view;
  }

  @Get(':id/history')
  history(@Param('id') id: string, @CurrentStaff() staff: StaffMember) {
    requireRole(staff, READERS, 'reading a complaint');
    return this.queries.execute(new GetComplaintHistory(parseId('COMPLAINT', id)));
  }

  @Get(':id/state')
  stateAt(@Param('id') id: string, @Query('asOf') asOf: string | undefined, @Query('atRevision') atRevision: string | undefined, @CurrentStaff() staff: StaffMember) {
    requireRole(staff, READERS, 'reading a complaint');
    if ((asOf === undefined) === (atRevision === undefined)) {
      throw new BadRequestException({ code: 'STATE_POINT_REQUIRED', message: 'give exactly one of ?asOf=<ISO time> or ?atRevision=<n>' });
    }
    if (asOf !== undefined) {
      const time = instant.decode(asOf);
      if (E.isLeft(time)) throw new BadRequestException({ code: 'INVALID_AS_OF', message: 'asOf must be an ISO-8601 time with a zone, from 1970 to 9999 in UTC, e.g. 2026-11-25T09:30:00Z' });
      return this.queries.execute(new GetComplaintStateAt(parseId('COMPLAINT', id), { asOf: time.right }));
    }
    if (!/^\d{1,15}$/.test(atRevision as string)) throw new BadRequestException({ code: 'INVALID_AT_REVISION', message: 'atRevision must be a whole number ≥ 0' });
    return this.queries.execute(new GetComplaintStateAt(parseId('COMPLAINT', id), { atRevision: Number(atRevision) }));
  }

  @Get(':id/verify')
  verify(@Param('id') id: string, @CurrentStaff() staff: StaffMember) {
    requireRole(staff, READERS, 'verifying a complaint');
    return this.queries.execute(new VerifyComplaint(parseId('COMPLAINT', id)));
  }

  private async act(id: string, path: string, body: unknown, match: string | undefined, staff: StaffMember, correlationId: string, reply: FastifyReply) {
    const action = actionFor('complaint', COMPLAINT_ACTIONS, path, staff);
    const target = parseId('COMPLAINT', id);
    const expectedRevision = parseIfMatch(match);
    const command = { type: action.command, body: decodeBody(action.body, body) } as ComplaintCommand;
    const outcome: CommandOutcome = await this.commands.execute(new HandleComplaintCommand(target, command, staff, correlationId, expectedRevision));
    tagged(reply, 'complaints', outcome);
    return { id: outcome.id, revision: outcome.revision, position: outcome.position };
  }
}
