import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Appraiser } from '@redress/appraisal';
import type { WeightingPolicy } from '@redress/contracts';
import type { EventStore } from '@redress/event-store';
import type { VersionedPolicies } from '@redress/platform';
import { PoliciesModule } from '../policies/policies.module';
import { ReadModelsModule } from '../read-models/read-models.module';
import { APPRAISER, EVENT_STORE, WEIGHTING_POLICIES } from '../tokens';
import { AppraisalController } from './appraisal.controller';
import { AppraiseHandler } from './appraisal-queries';

@Module({
  imports: [CqrsModule, PoliciesModule, ReadModelsModule],
  controllers: [AppraisalController],
  providers: [
    // One per process: it holds the trails in memory.
    {
      provide: APPRAISER,
      useFactory: (policies: VersionedPolicies<WeightingPolicy>, events: EventStore) => new Appraiser(() => policies.versions(), () => events.headPosition()),
      inject: [WEIGHTING_POLICIES, EVENT_STORE],
    },
    AppraiseHandler,
  ],
})
export class AppraisalModule {}
