import { ConflictException, HttpException, HttpStatus, Inject, NotFoundException } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import * as E from 'fp-ts/Either';
import { ComplaintEventCodecs } from '@redress/contracts';
import { DEFAULT_COMPLAINT_POLICY, decide, foldComplaint, type ComplaintCommand, type ComplaintError } from '@redress/domain';
import { WrongExpectedRevisionError, uuidv7, type EventStore } from '@redress/event-store';
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

export const refusal = (error: ComplaintError): HttpException =>
  error.code === 'COMPLAINT_NOT_FOUND'
    ? new NotFoundException(error)
    : error.code === 'COMPLAINT_ALREADY_EXISTS'
      ? new ConflictException(error)
      : new HttpException(error, HttpStatus.UNPROCESSABLE_ENTITY);

const revisionConflict = (currentRevision: number | 'no_stream') =>
  new ConflictException({
    code: 'REVISION_CONFLICT',
    message: 'the complaint has changed since the revision in If-Match; read it again and decide anew',
    currentRevision: currentRevision === 'no_stream' ? null : currentRevision,
  });

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

  async execute({ complaintId, command, staff, correlationId, expectedRevision }: HandleComplaintCommand): Promise<CommandOutcome> {
    const stream = complaintStream(complaintId);
    const causationId = uuidv7();
    for (let attempt = 1; ; attempt += 1) {
      const recorded = await this.store.readStream(stream);
      const head = recorded[recorded.length - 1];
      if (expectedRevision !== undefined && expectedRevision !== (head?.revision ?? -1)) throw revisionConflict(head?.revision ?? 'no_stream');
      if (command.type === 'ReceiveComplaint' && head) return { id: complaintId, revision: head.revision, position: head.position, created: false };

      const now = this.clock.now().toISOString();
      const decision = decide(command, foldComplaint(complaintEvents(recorded)), { now, newId: uuidv7, policy: DEFAULT_COMPLAINT_POLICY });
      if (E.isLeft(decision)) throw refusal(decision.left);
      const events = decision.right.map((event) => ({
        id: uuidv7(),
        type: event.type,
        data: event.data,
        metadata: {
          actor: { user: staff.user, role: staff.role },
          occurredAt: now,
          correlationId,
          causationId,
          schemaVersion: ComplaintEventCodecs[event.type].version,
        },
      }));
      try {
        const appended = await this.store.appendToStream(stream, events, head ? head.revision : 'no_stream');
        return { id: complaintId, revision: appended.nextExpectedRevision, position: appended.position, created: command.type === 'ReceiveComplaint' };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (expectedRevision !== undefined) throw revisionConflict(error.actual);
        if (attempt >= ATTEMPTS) throw revisionConflict(error.actual);
      }
    }
  }
}
