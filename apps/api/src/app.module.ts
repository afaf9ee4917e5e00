import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import type { Config } from '@redress/platform';
import { AuthGuard } from './auth/auth.guard';
import { ComplaintsModule } from './complaints/complaints.module';
import { ComplainantsModule } from './complainants/complainants.module';
import { RectificationsModule } from './rectifications/rectifications.module';
import { DocsController } from './docs/docs.controller';
import { HealthController } from './health/health.controller';
import { AppraisalModule } from './appraisal/appraisal.module';
import { EventsModule } from './events/events.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { PoliciesModule } from './policies/policies.module';
import { SlaModule } from './sla/sla.module';
import { ReadModelsModule } from './read-models/read-models.module';
import { InfrastructureModule, type InfrastructureOptions } from './infrastructure.module';

@Module({})
export class AppModule {
  static forRoot(config: Config, logger: Logger, options: InfrastructureOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(config, logger, config.projector === 'in-process', options),
        CqrsModule.forRoot(),
        PoliciesModule,
        SlaModule,
        ComplaintsModule,
        ComplainantsModule,
        RectificationsModule,
        ReadModelsModule,
        AppraisalModule,
        EventsModule,
        WebhooksModule,
      ],
      controllers: [HealthController, DocsController],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
