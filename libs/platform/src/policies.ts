import * as E from 'fp-ts/Either';
import { DEFAULT_WEIGHTING_POLICY, validateWeightingPolicy } from '@redress/appraisal';
import { SlaPolicyEventCodecs, WeightingPolicyEventCodecs, type SlaPolicy, type WeightingPolicy } from '@redress/contracts';
import { DEFAULT_SLA_POLICY, MAX_UTC_OFFSET_MINUTES, validateSlaPolicy } from '@redress/domain';
import { WrongExpectedRevisionError, uuidv7, type EventStore, type JsonObject, type RecordedEvent } from '@redress/event-store';
import type { Clock } from './clock';

/**
 * A kind of versioned policy (the SLA policy, the weighting policy): one
 * stream, one `…Defined` event per version, so every version is in the log
 * for auditors. Its default is written as version 1 on the first start.
 */
export interface PolicyKind<P> {
  readonly stream: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly defaultPolicy: P;
  /** The code of the 422 that lists a new version's problems. */
  readonly invalidCode: string;
  /** Every problem with a new version defined at `now`, or the policy. */
  validate(policy: P, now: Date): E.Either<string[], P>;
}

export interface PolicyVersion<P> {
  readonly version: number;
  readonly definedAt: string;
  readonly definedBy: unknown;
  readonly policy: P;
}

export interface PolicyAuthor {
  readonly user: string;
  readonly role: string;
}

/** A new version that does not make sense; `problems` names each. */
export class InvalidPolicyError extends Error {
  constructor(
    readonly code: string,
    readonly problems: readonly string[],
  ) {
    super(problems.join('; '));
  }
}

/** Another version was defined since the one the change was based on (If-Match), or at the same moment. */
export class PolicyConflictError extends Error {
  constructor(readonly currentVersion: number) {
    super(`version ${currentVersion} is the current one now; read it and decide again`);
  }
}

const SYSTEM: PolicyAuthor = { user: 'system', role: 'system' };

const toVersion = <P>(event: RecordedEvent): PolicyVersion<P> => ({
  version: Number(event.data.version),
  definedAt: typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt,
  definedBy: event.metadata.actor,
  policy: event.data.policy as unknown as P,
});

/**
 * How long a process reuses the version it last read. Intake and
 * classification ask on every command; a version defined in this process is
 * seen at once, one defined in another process within this long.
 */
export const POLICY_REFRESH_MS = 1000;

export class VersionedPolicies<P> {
  private latest: { readonly version: Promise<PolicyVersion<P>>; readonly readAt: number } | undefined;
  /** Versions read by number: a version never changes once written, so each is read once. */
  private readonly written = new Map<number, Promise<PolicyVersion<P> | undefined>>();

  constructor(
    private readonly kind: PolicyKind<P>,
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /** Writes the default as version 1 unless the stream has one. */
  async ensureDefault(): Promise<void> {
    if ((await this.store.readStream(this.kind.stream, { maxCount: 1 })).length > 0) return;
    await this.append(this.kind.defaultPolicy, 1, SYSTEM, 'bootstrap').catch((error: unknown) => {
      // Another instance wrote version 1 first: that is the same default.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    });
    this.latest = undefined;
  }

  /** The version in force (re-read at most every POLICY_REFRESH_MS); before the default is written, the default as version 1. */
  current(): Promise<PolicyVersion<P>> {
    const now = performance.now();
    if (this.latest === undefined || now - this.latest.readAt > POLICY_REFRESH_MS) {
      const version = this.readCurrent();
      this.latest = { version, readAt: now };
      // A failed read is not kept: the next caller tries again.
      version.catch(() => (this.latest = undefined));
    }
    return this.latest.version;
  }

  private async readCurrent(): Promise<PolicyVersion<P>> {
    const [last] = await this.store.readStream(this.kind.stream, { direction: 'backwards', maxCount: 1 });
    return last ? toVersion<P>(last) : this.unwritten();
  }

  /** The version with this number, as written; undefined when none has it. */
  version(version: number): Promise<PolicyVersion<P> | undefined> {
    const known = this.written.get(version);
    if (known) return known;
    const read = this.readVersion(version);
    this.written.set(version, read);
    // Only a version found is kept: not a failed read, nor a "none" that a definition may yet make wrong.
    read.then(
      (found) => found ?? this.written.delete(version),
      () => this.written.delete(version),
    );
    return read;
  }

  private async readVersion(version: number): Promise<PolicyVersion<P> | undefined> {
    if (!Number.isSafeInteger(version) || version < 1) return undefined;
    // Version n is the stream's event n - 1: each is appended expecting the one before.
    const [event] = await this.store.readStream(this.kind.stream, { fromRevision: version - 1, maxCount: 1 });
    const found = event && toVersion<P>(event);
    return found?.version === version ? found : undefined;
  }

  async versions(): Promise<Array<PolicyVersion<P>>> {
    const versions = (await this.store.readStream(this.kind.stream)).map((event) => toVersion<P>(event));
    return versions.length > 0 ? versions : [this.unwritten()];
  }

  /**
   * Appends the next version; InvalidPolicyError with every problem when it
   * does not make sense. `basedOn`: the version its author read and changed
   * (If-Match), so one admin cannot silently undo another's version defined
   * meanwhile (PolicyConflictError).
   */
  async define(policy: P, author: PolicyAuthor, correlationId: string, basedOn?: number): Promise<PolicyVersion<P>> {
    const valid = this.kind.validate(policy, this.clock.now());
    if (E.isLeft(valid)) throw new InvalidPolicyError(this.kind.invalidCode, valid.left);
    // Decided on the stored head, never on a reused read: the append's expected revision must be exact.
    const { version } = await this.readCurrent();
    if (basedOn !== undefined && basedOn !== version) throw new PolicyConflictError(version);
    await this.append(valid.right, version + 1, author, correlationId).catch((error: unknown) => {
      // Version n is the stream's event n - 1.
      throw error instanceof WrongExpectedRevisionError ? new PolicyConflictError(error.actual === 'no_stream' ? 1 : error.actual + 1) : error;
    });
    // After the append: a read taken meanwhile may hold the old version, and must not be reused.
    this.latest = undefined;
    return this.current();
  }

  private unwritten(): PolicyVersion<P> {
    return { version: 1, definedAt: new Date(0).toISOString(), definedBy: SYSTEM, policy: this.kind.defaultPolicy };
  }

  private async append(policy: P, version: number, author: PolicyAuthor, correlationId: string): Promise<void> {
    const metadata = {
      actor: { user: author.user, role: author.role },
      occurredAt: this.clock.now().toISOString(),
      correlationId,
      causationId: uuidv7(),
      schemaVersion: this.kind.schemaVersion,
    };
    const data = { version, policy } as unknown as JsonObject;
    await this.store.appendToStream(this.kind.stream, [{ id: uuidv7(), type: this.kind.eventType, data, metadata }], version === 1 ? 'no_stream' : version - 2);
  }
}

/** The SLA policy (DOMAIN.md section 3): cases received, first classified or reopened from a new version on get its deadlines. */
export const SLA_POLICY: PolicyKind<SlaPolicy> = {
  stream: 'policy-sla',
  eventType: 'SlaPolicyDefined',
  schemaVersion: SlaPolicyEventCodecs.SlaPolicyDefined.version,
  defaultPolicy: DEFAULT_SLA_POLICY,
  invalidCode: 'INVALID_SLA_POLICY',
  validate: (policy) => validateSlaPolicy(policy),
};

/** The complaint-weighting policy for appraisal (DOMAIN.md section 5): a new version takes effect from a later day. */
export const WEIGHTING_POLICY: PolicyKind<WeightingPolicy> = {
  stream: 'policy-weighting',
  eventType: 'WeightingPolicyDefined',
  schemaVersion: WeightingPolicyEventCodecs.WeightingPolicyDefined.version,
  defaultPolicy: DEFAULT_WEIGHTING_POLICY,
  invalidCode: 'INVALID_WEIGHTING_POLICY',
  // "Today" as the zone where the day begins first: a period may be appraised in any zone (utcOffset), and one that
  // has begun anywhere keeps the version it began under.
  validate: (policy, now) => validateWeightingPolicy(policy, new Date(now.getTime() + MAX_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10)),
};
