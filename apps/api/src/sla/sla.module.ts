import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PoliciesController } from './policies.controller';
import { SlaController } from './sla.controller';
import { SlaPolicyService } from './sla-policy.service';
import { SlaScheduler } from './sla-scheduler';

@Module({
  imports: [CqrsModule],
  controllers: [PoliciesController, SlaController],
  providers: [SlaPolicyService, SlaScheduler],
  exports: [SlaPolicyService, SlaScheduler],
})
export class SlaModule {}
