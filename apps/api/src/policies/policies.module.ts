import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { SlaPolicy, WeightingPolicy } from '@redress/contracts';
import type { EventStore } from '@redress/event-store';
import { SLA_POLICY, VersionedPolicies, WEIGHTING_POLICY, type Clock, type PolicyKind } from '@redress/platform';
import { CLOCK, EVENT_STORE, SLA_POLICIES, WEIGHTING_POLICIES } from '../tokens';
import { SlaPoliciesController, WeightingPoliciesController } from './policies.controller';

const policies = <P>(token: symbol, kind: PolicyKind<P>) => ({
  provide: token,
  useFactory: (store: EventStore, clock: Clock) => new VersionedPolicies(kind, store, clock),
  inject: [EVENT_STORE, CLOCK],
});

/** Each policy's default is in the log as version 1 from the first start. */
class PolicyDefaults implements OnApplicationBootstrap {
  constructor(
    @Inject(SLA_POLICIES) private readonly sla: VersionedPolicies<SlaPolicy>,
    @Inject(WEIGHTING_POLICIES) private readonly weighting: VersionedPolicies<WeightingPolicy>,
  ) {}
  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([this.sla.ensureDefault(), this.weighting.ensureDefault()]);
  }
}

@Module({
  controllers: [SlaPoliciesController, WeightingPoliciesController],
  providers: [policies(SLA_POLICIES, SLA_POLICY), policies(WEIGHTING_POLICIES, WEIGHTING_POLICY), PolicyDefaults],
  exports: [SLA_POLICIES, WEIGHTING_POLICIES],
})
export class PoliciesModule {}
