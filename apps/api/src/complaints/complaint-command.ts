import { ConflictException, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import * as E from 'fp-ts/Either';
import { ComplaintEventCodecs, type EventMetadata } from '@redress/contracts';
import { DEFAULT_COMPLAINT_POLICY, decide, foldComplaint, type ComplaintCommand, type ComplaintError } from '@redress/domain';
import { WrongExpectedRevisionError, uuidv7, type EventStore, type RecordedEvent } from '@redress/event-store';
import type { Clock } from '@redress/platform';
import type { StaffMember } from '../auth/actor';
import { CLOCK, EVENT_STORE } from '../tokens';
import { complaintEvents, complaintStream } from './complaint-stream';

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
    readonly intakeFingerprint?: string,
  ) {}
}

export interface CommandOutcome {
  readonly id: string;
  readonly revision: number;
  readonly position: number;
  /** False when a repeated intake found the case it had already created. */
  readonly created: boolean;
}

/** Without If-Match a decision is re-taken on the fresh case this often before giving up. */
const ATTEMPTS = 5;

const STATUS_OF: Partial<Record<ComplaintError['code'], HttpStatus>> = {
  COMPLAINT_NOT_FOUND: HttpStatus.NOT_FOUND,
  COMPLAINT_ALREADY_EXISTS: HttpStatus.CONFLICT,
  NOT_CASE_OWNER: HttpStatus.FORBIDDEN,
  NOT_CASE_DEPARTMENT: HttpStatus.FORBIDDEN,
};
export const refusal = (error: ComplaintError): HttpException => new HttpException(error, STATUS_OF[error.code] ?? HttpStatus.UNPROCESSABLE_ENTITY);

const revisionConflict = (currentRevision: number | 'no_stream', message: string) =>
  new ConflictException({ code: 'REVISION_CONFLICT', message, currentRevision: currentRevision === 'no_stream' ? null : currentRevision });
/** Refusals the api adds to the domain's: they need I/O the decider does not do. */
const refusalOf = (code: 'IDEMPOTENCY_KEY_REUSED' | 'DUPLICATE_OF_UNKNOWN', message: string) => new HttpException({ code, message }, HttpStatus.UNPROCESSABLE_ENTITY);
const STALE_IF_MATCH = 'the complaint has changed since the revision in If-Match; read it again and decide anew';
const KEPT_CHANGING = 'the complaint kept changing while this command was decided; try again';

/**
 * read stream → fold → decide → append with the expected revision. Every
 * event gets the actor from the token, the decision time, the correlation id
 * and this command's id as causation.
 */
@CommandHandler(HandleComplaintCommand)
export class ComplaintCommandHandler implements ICommandHandler<HandleComplaintCommand, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ complaintId, command, staff, correlationId, expectedRevision, intakeFingerprint }: HandleComplaintCommand): Promise<CommandOutcome> {
    const stream = complaintStream(complaintId);
    const causationId = uuidv7();
    if (command.type === 'RejectComplaint' && command.body.duplicateOf !== undefined) await this.mustExist(command.body.duplicateOf);
    for (let attempt = 1; ; attempt += 1) {
      const recorded = await this.store.readStream(stream);
      const head = recorded[recorded.length - 1];
      if (command.type === 'ReceiveComplaint' && head) return this.repeatedIntake(recorded, intakeFingerprint);
      if (!head && command.type !== 'ReceiveComplaint') throw refusal({ code: 'COMPLAINT_NOT_FOUND', message: `there is no complaint ${complaintId}` });
      if (expectedRevision !== undefined && expectedRevision !== head?.revision) throw revisionConflict(head?.revision ?? 'no_stream', STALE_IF_MATCH);

      const now = this.clock.now().toISOString();
      const ctx = { now, newId: () => uuidv7(), policy: DEFAULT_COMPLAINT_POLICY, actor: staff };
      const decision = decide(command, foldComplaint(complaintEvents(recorded)), ctx);
      if (E.isLeft(decision)) throw refusal(decision.left);
      const events = decision.right.map((event) => {
        const metadata: EventMetadata & { intakeFingerprint?: string } = {
          actor: { user: staff.user, role: staff.role },
          occurredAt: now,
          correlationId,
          causationId,
          schemaVersion: ComplaintEventCodecs[event.type].version,
          ...(event.type === 'ComplaintReceived' && intakeFingerprint !== undefined ? { intakeFingerprint } : {}),
        };
        return { id: uuidv7(), type: event.type, data: event.data, metadata };
      });
      try {
        const appended = await this.store.appendToStream(stream, events, head ? head.revision : 'no_stream');
        return { id: complaintId, revision: appended.nextExpectedRevision, position: appended.position, created: command.type === 'ReceiveComplaint' };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (expectedRevision !== undefined) throw revisionConflict(error.actual, STALE_IF_MATCH);
        if (attempt >= ATTEMPTS) throw revisionConflict(error.actual, KEPT_CHANGING);
      }
    }
  }

  /** A repeated intake finds its case; the same Idempotency-Key with a different body is a client error. */
  private repeatedIntake(recorded: readonly RecordedEvent[], fingerprint: string | undefined): CommandOutcome {
    const first = recorded[0] as RecordedEvent;
    const head = recorded[recorded.length - 1] as RecordedEvent;
    if (fingerprint !== undefined && first.metadata.intakeFingerprint !== fingerprint) {
      throw refusalOf('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different complaint; use a new key');
    }
    return { id: String(first.data.complaintId), revision: head.revision, position: head.position, created: false };
  }

  private async mustExist(complaintId: string): Promise<void> {
    const [first] = await this.store.readStream(complaintStream(complaintId), { maxCount: 1 });
    if (!first) throw refusalOf('DUPLICATE_OF_UNKNOWN', `duplicateOf names no existing complaint (${complaintId})`);
  }
}
