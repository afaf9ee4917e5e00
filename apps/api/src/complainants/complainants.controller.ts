import { BadRequestException, Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import * as E from 'fp-ts/Either';
import { ComplainantId, EraseComplainantBody } from '@redress/contracts';
import { CorrelationId, CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { decodeBody } from '../http/request';
import { EraseComplainant, type ErasureOutcome } from './erase-complainant';

/** Who may erase a complainant's personal data: the data protection function. */
export const ERASERS = ['admin'] as const;

@Controller('complainants')
export class ComplainantsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/erase')
  @HttpCode(200)
  erase(@Param('id') id: string, @Body() body: unknown, @CurrentStaff() staff: StaffMember, @CorrelationId() correlationId: string): Promise<ErasureOutcome> {
    requireRole(staff, ERASERS, "erasing a complainant's personal data");
    const complainantId = ComplainantId.decode(id);
    if (E.isLeft(complainantId)) throw new BadRequestException({ code: 'INVALID_COMPLAINANT_ID', message: `${JSON.stringify(id)} is not a complainant id (1 to 100 characters)` });
    const { reason } = decodeBody(EraseComplainantBody, body);
    return this.commands.execute(new EraseComplainant(complainantId.right, reason, staff, correlationId));
  }
}
