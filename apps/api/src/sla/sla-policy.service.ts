import { ConflictException, HttpException, HttpStatus, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import * as E from 'fp-ts/Either';
import { SlaPolicyEventCodecs, type SlaPolicy } from '@redress/contracts';
import { DEFAULT_SLA_POLICY, validateSlaPolicy } from '@redress/domain';
import { WrongExpectedRevisionError, uuidv7, type EventStore, type RecordedEvent } from '@redress/event-store';
import type { Clock } from '@redress/platform';
import type { StaffMember } from '../auth/actor';
import { CLOCK, EVENT_STORE } from '../tokens';

export const SLA_POLICY_STREAM = 'policy-sla';
const SYSTEM: StaffMember = { user: 'system', role: 'system' };

export interface SlaPolicyVersion {
  readonly version: number;
  readonly definedAt: string;
  readonly definedBy: unknown;
  readonly policy: SlaPolicy;
}

const toVersion = (event: RecordedEvent): SlaPolicyVersion => ({
  version: Number(event.data.version),
  definedAt: typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt,
  definedBy: event.metadata.actor,
  policy: event.data.policy as unknown as SlaPolicy,
});

/**
 * The versioned SLA policy: stream `policy-sla`, one SlaPolicyDefined per
 * version. The default (DOMAIN.md section 7) is written as version 1 on the
 * first start, so every version is in the log for auditors.
 */
@Injectable()
export class SlaPolicyService implements OnApplicationBootstrap {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.store.readStream(SLA_POLICY_STREAM, { maxCount: 1 })).length > 0) return;
    await this.append(DEFAULT_SLA_POLICY, 1, SYSTEM, 'bootstrap').catch((error: unknown) => {
      // Another instance wrote version 1 first: that is the same default.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    });
  }

  async current(): Promise<SlaPolicyVersion> {
    const [last] = await this.store.readStream(SLA_POLICY_STREAM, { direction: 'backwards', maxCount: 1 });
    if (!last) return { version: 1, definedAt: new Date(0).toISOString(), definedBy: SYSTEM, policy: DEFAULT_SLA_POLICY };
    return toVersion(last);
  }

  async versions(): Promise<SlaPolicyVersion[]> {
    return (await this.store.readStream(SLA_POLICY_STREAM)).map(toVersion);
  }

  /** Appends the next version; 422 with every problem when the policy does not make sense. */
  async define(policy: SlaPolicy, staff: StaffMember, correlationId: string): Promise<SlaPolicyVersion> {
    const valid = validateSlaPolicy(policy);
    if (E.isLeft(valid)) throw new HttpException({ code: 'INVALID_SLA_POLICY', message: valid.left.join('; '), details: valid.left }, HttpStatus.UNPROCESSABLE_ENTITY);
    const { version } = await this.current();
    await this.append(policy, version + 1, staff, correlationId).catch((error: unknown) => {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      throw new ConflictException({ code: 'REVISION_CONFLICT', message: 'another version was defined at the same time; read it and try again', currentRevision: error.actual === 'no_stream' ? null : error.actual });
    });
    return this.current();
  }

  private async append(policy: SlaPolicy, version: number, staff: StaffMember, correlationId: string): Promise<void> {
    const metadata = {
      actor: { user: staff.user, role: staff.role },
      occurredAt: this.clock.now().toISOString(),
      correlationId,
      causationId: uuidv7(),
      schemaVersion: SlaPolicyEventCodecs.SlaPolicyDefined.version,
    };
    await this.store.appendToStream(SLA_POLICY_STREAM, [{ id: uuidv7(), type: 'SlaPolicyDefined', data: { version, policy }, metadata }], version === 1 ? 'no_stream' : version - 2);
  }
}
