import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ReadModelsModule } from '../read-models/read-models.module';
import { SlaController } from './sla.controller';
import { SlaScheduler } from './sla-scheduler';

@Module({
  imports: [CqrsModule, ReadModelsModule],
  controllers: [SlaController],
  providers: [SlaScheduler],
  exports: [SlaScheduler],
})
export class SlaModule {}
