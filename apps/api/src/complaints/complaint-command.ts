import { HttpException, HttpStatus, Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ComplaintEventCodecs, type SlaPolicy } from '@redress/contracts';
import * as E from 'fp-ts/Either';
import { DEFAULT_COMPLAINT_POLICY, complaintError, complaintEvents, complaintStream, decide, foldComplaint, heldSlaPolicyVersion, type Complaint, type ComplaintCommand, type ComplaintError } from '@redress/domain';
import { uuidv7, type EventStore, type JsonObject } from '@redress/event-store';
import type { Clock, PolicyVersion, VersionedPolicies } from '@redress/platform';
import type { StaffMember } from '../auth/actor';
import { decideAndAppend, type CommandOutcome } from '../commands/decide-and-append';
import { repeatOf } from '../http/idempotency';
import type { Logger } from 'pino';
import { CLOCK, EVENT_STORE, LOGGER, SLA_POLICIES } from '../tokens';

/** The commands whose events carry deadlines, so their decision needs the SLA policy. */
const SETS_DEADLINES: ReadonlySet<ComplaintCommand['type']> = new Set(['ReceiveComplaint', 'ClassifyComplaint', 'ReopenComplaint']);

/** One command on one complaint, with everything the events' metadata needs. */
export class HandleComplaintCommand {
  constructor(
    readonly complaintId: string,
    readonly command: ComplaintCommand,
    readonly staff: StaffMember,
    readonly correlationId: string,
    /** From If-Match: decide only if the case is still at this revision. */
    readonly expectedRevision?: number,
    /** For an intake under an Idempotency-Key: the body's fingerprint, so a reused key with another body is refused. */
    readonly requestFingerprint?: string,
    /** When another command caused this one (a rectification linking its sources). */
    readonly causationId?: string,
  ) {}
}

const STATUS_OF: Partial<Record<ComplaintError['code'], HttpStatus>> = {
  COMPLAINT_NOT_FOUND: HttpStatus.NOT_FOUND,
  COMPLAINT_ALREADY_EXISTS: HttpStatus.CONFLICT,
  NOT_CASE_OWNER: HttpStatus.FORBIDDEN,
  NOT_CASE_DEPARTMENT: HttpStatus.FORBIDDEN,
};
export const refusal = (error: ComplaintError): HttpException => new HttpException(error, STATUS_OF[error.code] ?? HttpStatus.UNPROCESSABLE_ENTITY);

type Decision = ReturnType<typeof decide>;

/**
 * An intake with neither an external reference nor an Idempotency-Key got a
 * fresh UUIDv7 from the controller: no stream can exist under it yet.
 */
const creation = (command: ComplaintCommand, requestFingerprint: string | undefined): 'new' | 'create' | 'update' =>
  command.type !== 'ReceiveComplaint' ? 'update' : command.body.externalRef === undefined && requestFingerprint === undefined ? 'new' : 'create';

@CommandHandler(HandleComplaintCommand)
export class ComplaintCommandHandler implements ICommandHandler<HandleComplaintCommand, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SLA_POLICIES) private readonly slaPolicies: VersionedPolicies<SlaPolicy>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ complaintId, command, staff, correlationId, expectedRevision, requestFingerprint, causationId }: HandleComplaintCommand): Promise<CommandOutcome> {
    return decideAndAppend(
      this.store,
      this.clock,
      {
        id: complaintId,
        stream: complaintStream(complaintId),
        kind: creation(command, requestFingerprint),
        fold: (recorded) => foldComplaint(complaintEvents(recorded)),
        decide: async (state, now) => {
          const sla = await this.slaPolicy(command, state);
          const decided = decide(command, state, { now, actor: staff, newId: () => uuidv7(), policy: DEFAULT_COMPLAINT_POLICY, ...(sla ? { sla } : {}) });
          return E.isRight(decided) ? this.duplicateOfKnown(command, decided) : decided;
        },
        refusal,
        notFound: () => refusal({ code: 'COMPLAINT_NOT_FOUND', message: `there is no complaint ${complaintId}` }),
        onExisting: (recorded) => {
          const head = repeatOf(recorded, requestFingerprint);
          return { id: complaintId, revision: head.revision, position: head.position, created: false };
        },
        schemaVersion: (type) => ComplaintEventCodecs[type].version,
        extraMetadata: (event): JsonObject => (event.type === 'ComplaintReceived' && requestFingerprint !== undefined ? { requestFingerprint } : {}),
      },
      { staff, correlationId, ...(expectedRevision === undefined ? {} : { expectedRevision }), ...(causationId === undefined ? {} : { causationId }) },
    );
  }

  /**
   * Receipt, classification and a reopen turn the SLA policy into deadlines: under the version in force, but for a
   * classification, which keeps the case's own (heldSlaPolicyVersion). One the log no longer has (a policy stream
   * restored from an older copy) gives way to the version in force, and says so.
   */
  private async slaPolicy(command: ComplaintCommand, state: Complaint): Promise<PolicyVersion<SlaPolicy> | undefined> {
    if (!SETS_DEADLINES.has(command.type)) return undefined;
    const held = heldSlaPolicyVersion(command, state);
    const kept = held === undefined ? undefined : await this.slaPolicies.version(held);
    if (held !== undefined && kept === undefined) {
      this.logger.warn({ complaintId: state.id, policyVersion: held }, 'sla: the case is held to a policy version the log does not have; classified under the version in force');
    }
    return kept ?? (await this.slaPolicies.current());
  }

  /**
   * The one rule the decider cannot check, as it needs another stream: a rejection as a duplicate names a case that
   * exists. Asked only once every other rule allows the rejection, so a missing case, a stale If-Match or a reason
   * that takes no duplicateOf each get their own refusal.
   */
  private async duplicateOfKnown(command: ComplaintCommand, decided: Decision): Promise<Decision> {
    if (command.type !== 'RejectComplaint' || command.body.duplicateOf === undefined) return decided;
    const [first] = await this.store.readStream(complaintStream(command.body.duplicateOf), { maxCount: 1 });
    return first ? decided : E.left(complaintError('DUPLICATE_OF_UNKNOWN', `duplicateOf names no existing complaint (${command.body.duplicateOf})`));
  }
}
