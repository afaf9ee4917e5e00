import { Body, Controller, Get, Put } from '@nestjs/common';
import { SlaPolicy } from '@redress/contracts';
import { CorrelationId, CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { READERS } from '../complaints/complaint-actions';
import { decodeBody } from '../http/request';
import { SlaPolicyService } from './sla-policy.service';

@Controller('policies/sla')
export class PoliciesController {
  constructor(private readonly policies: SlaPolicyService) {}

  @Get()
  current(@CurrentStaff() staff: StaffMember) {
    requireRole(staff, READERS, 'reading the SLA policy');
    return this.policies.current();
  }

  @Get('versions')
  async versions(@CurrentStaff() staff: StaffMember) {
    requireRole(staff, READERS, 'reading the SLA policy');
    return { versions: await this.policies.versions() };
  }

  /** A new version; cases classified from now on get its deadlines, earlier ones keep theirs. */
  @Put()
  define(@Body() body: unknown, @CurrentStaff() staff: StaffMember, @CorrelationId() correlationId: string) {
    requireRole(staff, ['admin'], 'changing the SLA policy');
    return this.policies.define(decodeBody(SlaPolicy, body), staff, correlationId);
  }
}
