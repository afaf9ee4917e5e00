import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { DispatchRectificationBody } from '@redress/contracts';
import type { RectificationCommand } from '@redress/domain';
import { uuidv7 } from '@redress/event-store';
import { CorrelationId, CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import type { CommandOutcome } from '../commands/decide-and-append';
import { READERS } from '../complaints/complaint-actions';
import { idempotency, parseIdempotencyKey } from '../http/idempotency';
import { actionFor } from '../http/actions';
import { decodeBody, parseId, parseIfMatch, tagged } from '../http/request';
import { DISPATCHERS, RECTIFICATION_ACTIONS } from './rectification-actions';
import { HandleRectificationCommand } from './rectification-command';
import { GetRectification, GetRectificationHistory } from './rectification-queries';


@Controller('rectifications')
export class RectificationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  async dispatch(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentStaff() staff: StaffMember,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    requireRole(staff, DISPATCHERS, 'dispatching a rectification');
    const dispatched = decodeBody(DispatchRectificationBody, body);
    const keyed = idempotency('rectification', parseIdempotencyKey(idempotencyKey), staff.user, dispatched);
    const id = keyed?.id ?? uuidv7();
    const command: RectificationCommand = { type: 'DispatchRectification', rectificationId: id, body: dispatched };
    const outcome: CommandOutcome = await this.commands.execute(new HandleRectificationCommand(id, command, staff, correlationId, undefined, keyed?.fingerprint));
    tagged(reply, 'rectifications', outcome);
    void reply.status(outcome.created ? 201 : 200);
    return { id: outcome.id, revision: outcome.revision, position: outcome.position };
  }

  @Post(':id/:action')
  @HttpCode(200)
  async act(
    @Param('id') id: string,
    @Param('action') path: string,
    @Body() body: unknown,
    @Headers('if-match') match: string | undefined,
    @CurrentStaff() staff: StaffMember,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const action = actionFor('rectification', RECTIFICATION_ACTIONS, path, staff);
    const target = parseId('RECTIFICATION', id);
    const expectedRevision = parseIfMatch(match);
    const command = { type: action.command, body: decodeBody(action.body, body) } as RectificationCommand;
    const outcome: CommandOutcome = await this.commands.execute(new HandleRectificationCommand(target, command, staff, correlationId, expectedRevision));
    tagged(reply, 'rectifications', outcome);
    return { id: outcome.id, revision: outcome.revision, position: outcome.position };
  }

  @Get(':id')
  async get(@Param('id') id: string, @CurrentStaff() staff: StaffMember, @Res({ passthrough: true }) reply: FastifyReply) {
    requireRole(staff, READERS, 'reading a rectification');
    const view = await this.queries.execute(new GetRectification(parseId('RECTIFICATION', id)));
    tagged(reply, 'rectifications', view);
    return view;
  }

  @Get(':id/history')
  history(@Param('id') id: string, @CurrentStaff() staff: StaffMember) {
    requireRole(staff, READERS, 'reading a rectification');
    return this.queries.execute(new GetRectificationHistory(parseId('RECTIFICATION', id)));
  }
}
