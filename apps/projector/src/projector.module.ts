import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import type { Config } from '@redress/platform';
import { InfrastructureModule, type InfrastructureOptions } from '../../api/src/infrastructure.module';
import { ComplaintsModule } from '../../api/src/complaints/complaints.module';
import { PoliciesModule } from '../../api/src/policies/policies.module';
import { ReadModelsModule } from '../../api/src/read-models/read-models.module';
import { RectificationsModule } from '../../api/src/rectifications/rectifications.module';
import { SlaModule } from '../../api/src/sla/sla.module';
import { WebhooksModule } from '../../api/src/webhooks/webhooks.module';

/**
 * The projector: the api's background work without its HTTP surface. It
 * runs the projections, the SLA scheduler (which records breaches through
 * the same command handlers the api uses) and webhook delivery, each unit
 * under its own lease, so any number of projectors can run: one does each
 * unit, the others stand by and take over when it stops or dies.
 */
@Module({})
export class ProjectorModule {
  static forRoot(config: Config, logger: Logger, options: InfrastructureOptions = {}): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        InfrastructureModule.forRoot(config, logger, true, options),
        CqrsModule.forRoot(),
        PoliciesModule,
        ComplaintsModule,
        RectificationsModule,
        ReadModelsModule,
        SlaModule,
        WebhooksModule,
      ],
    };
  }
}
