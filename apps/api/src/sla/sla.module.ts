import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SlaController } from './sla.controller';
import { SlaScheduler } from './sla-scheduler';

@Module({
  imports: [CqrsModule],
  controllers: [SlaController],
  providers: [SlaScheduler],
  exports: [SlaScheduler],
})
export class SlaModule {}
