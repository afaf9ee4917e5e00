import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ReadModelsModule } from '../read-models/read-models.module';
import { ComplainantsController } from './complainants.controller';
import { EraseComplainantHandler } from './erase-complainant';

@Module({
  imports: [CqrsModule, ReadModelsModule],
  controllers: [ComplainantsController],
  providers: [EraseComplainantHandler],
})
export class ComplainantsModule {}
