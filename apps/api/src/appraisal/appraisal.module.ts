import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Appraiser } from '@redress/appraisal';
import type { WeightingPolicy } from '@redress/contracts';
import type { VersionedPolicies } from '@redress/platform';
import { PoliciesModule } from '../policies/policies.module';
import { ReadModelsModule } from '../read-models/read-models.module';
import { APPRAISER, WEIGHTING_POLICIES } from '../tokens';
import { AppraisalController } from './appraisal.controller';
import { AppraiseSubjectHandler, RankStaffHandler } from './appraisal-queries';

@Module({
  imports: [CqrsModule, PoliciesModule, ReadModelsModule],
  controllers: [AppraisalController],
  providers: [
    // One per process: it holds the trails in memory.
    { provide: APPRAISER, useFactory: (policies: VersionedPolicies<WeightingPolicy>) => new Appraiser(() => policies.versions()), inject: [WEIGHTING_POLICIES] },
    AppraiseSubjectHandler,
    RankStaffHandler,
  ],
})
export class AppraisalModule {}
