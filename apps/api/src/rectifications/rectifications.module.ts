import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RectificationCommandHandler } from './rectification-command';
import { GetRectificationHandler, GetRectificationHistoryHandler } from './rectification-queries';
import { RectificationsController } from './rectifications.controller';

@Module({
  imports: [CqrsModule],
  controllers: [RectificationsController],
  providers: [RectificationCommandHandler, GetRectificationHandler, GetRectificationHistoryHandler],
})
export class RectificationsModule {}
