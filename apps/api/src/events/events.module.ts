import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { FeedService } from './feed.service';

@Module({
  controllers: [EventsController],
  providers: [FeedService],
  exports: [FeedService],
})
export class EventsModule {}
