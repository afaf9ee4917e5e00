import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SlaModule } from '../sla/sla.module';
import { ComplaintCommandHandler } from './complaint-command';
import { COMPLAINT_QUERY_HANDLERS } from './complaint-queries';
import { ComplaintsController } from './complaints.controller';

@Module({
  imports: [CqrsModule, SlaModule],
  controllers: [ComplaintsController],
  providers: [ComplaintCommandHandler, ...COMPLAINT_QUERY_HANDLERS],
})
export class ComplaintsModule {}
