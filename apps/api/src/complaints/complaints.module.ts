import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PoliciesModule } from '../policies/policies.module';
import { ComplaintCommandHandler } from './complaint-command';
import { COMPLAINT_QUERY_HANDLERS } from './complaint-queries';
import { ComplaintsController } from './complaints.controller';

@Module({
  imports: [CqrsModule, PoliciesModule],
  controllers: [ComplaintsController],
  providers: [ComplaintCommandHandler, ...COMPLAINT_QUERY_HANDLERS],
})
export class ComplaintsModule {}
