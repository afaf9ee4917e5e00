import { Body, Controller, Get, Headers, Inject, Put, Res, type Type } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type * as t from 'io-ts';
import { SlaPolicy, WeightingPolicy } from '@redress/contracts';
import type { VersionedPolicies } from '@redress/platform';
import { CorrelationId, CurrentStaff, type StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { READERS } from '../complaints/complaint-actions';
import { decodeBody, parseIfMatch } from '../http/request';
import { SLA_POLICIES, WEIGHTING_POLICIES } from '../tokens';

/**
 * GET the current version, GET every version, PUT the next one. Any member of
 * staff may read a policy: the people it measures can see how.
 */
const policyController = <P>(path: string, token: symbol, codec: t.Type<P, unknown>, what: string, writers: readonly StaffMember['role'][]): Type<unknown> => {
  @Controller(path)
  class PolicyController {
    constructor(@Inject(token) private readonly policies: VersionedPolicies<P>) {}

    /** With the version as its ETag, for the If-Match of a change to it. */
    @Get()
    async current(@CurrentStaff() staff: StaffMember, @Res({ passthrough: true }) reply: FastifyReply) {
      requireRole(staff, READERS, `reading the ${what}`);
      const current = await this.policies.current();
      void reply.header('etag', `"${current.version}"`);
      return current;
    }

    @Get('versions')
    async versions(@CurrentStaff() staff: StaffMember) {
      requireRole(staff, READERS, `reading the ${what}`);
      return { versions: await this.policies.versions() };
    }

    @Put()
    async define(
      @Body() body: unknown,
      @Headers('if-match') ifMatch: string | undefined,
      @CurrentStaff() staff: StaffMember,
      @CorrelationId() correlationId: string,
      @Res({ passthrough: true }) reply: FastifyReply,
    ) {
      requireRole(staff, writers, `changing the ${what}`);
      const defined = await this.policies.define(decodeBody(codec, body), staff, correlationId, parseIfMatch(ifMatch));
      void reply.header('etag', `"${defined.version}"`);
      return defined;
    }
  }
  return PolicyController;
};

/** A new version applies to cases classified from then on; earlier ones keep their deadlines. */
export const SlaPoliciesController = policyController('policies/sla', SLA_POLICIES, SlaPolicy, 'SLA policy', ['admin']);
/** The analysis department owns the weighting policy (DOMAIN.md section 5). */
export const WeightingPoliciesController = policyController('policies/weighting', WEIGHTING_POLICIES, WeightingPolicy, 'weighting policy', ['analysis', 'admin']);
