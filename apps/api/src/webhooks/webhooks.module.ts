import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/read-models.module';
import { WebhooksController } from './webhooks.controller';
import { WebhookDispatcher } from './webhooks.service';

@Module({
  imports: [ReadModelsModule],
  controllers: [WebhooksController],
  providers: [WebhookDispatcher],
})
export class WebhooksModule {}
