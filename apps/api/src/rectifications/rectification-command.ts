import { HttpException, HttpStatus, Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RectificationEventCodecs } from '@redress/contracts';
import { complaintStream, decideRectification, foldRectification, rectificationEvents, rectificationStream, type RectificationCommand, type RectificationError } from '@redress/domain';
import type { EventStore, JsonObject } from '@redress/event-store';
import type { Clock } from '@redress/platform';
import type { StaffMember } from '../auth/actor';
import { decideAndAppend, type CommandOutcome } from '../commands/decide-and-append';
import { HandleComplaintCommand } from '../complaints/complaint-command';
import { repeatOf } from '../http/idempotency';
import type { Logger } from 'pino';
import { CLOCK, EVENT_STORE, LOGGER } from '../tokens';

const STATUS_OF: Partial<Record<RectificationError['code'], HttpStatus>> = {
  RECTIFICATION_NOT_FOUND: HttpStatus.NOT_FOUND,
  RECTIFICATION_ALREADY_EXISTS: HttpStatus.CONFLICT,
  NOT_RECTIFICATION_DEPARTMENT: HttpStatus.FORBIDDEN,
};
const refusal = (error: RectificationError | { code: 'SOURCE_COMPLAINT_UNKNOWN'; message: string }): HttpException =>
  new HttpException(error, (STATUS_OF as Record<string, HttpStatus>)[error.code] ?? HttpStatus.UNPROCESSABLE_ENTITY);

export class HandleRectificationCommand {
  constructor(
    readonly rectificationId: string,
    readonly command: RectificationCommand,
    readonly staff: StaffMember,
    readonly correlationId: string,
    readonly expectedRevision?: number,
    /** For a dispatch under an Idempotency-Key: the body's fingerprint. */
    readonly requestFingerprint?: string,
  ) {}
}

/**
 * Rectification commands. A dispatch names complaints that must exist, and
 * afterwards records RectificationLinked in each of them (caused by the
 * dispatch), so a case's own history shows its rectifications.
 */
@CommandHandler(HandleRectificationCommand)
export class RectificationCommandHandler implements ICommandHandler<HandleRectificationCommand, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly commands: CommandBus,
  ) {}

  async execute({ rectificationId, command, staff, correlationId, expectedRevision, requestFingerprint }: HandleRectificationCommand): Promise<CommandOutcome> {
    if (command.type === 'DispatchRectification') await this.sourcesExist(command.body.sourceComplaintIds);
    const outcome = await decideAndAppend(
      this.store,
      this.clock,
      {
        id: rectificationId,
        stream: rectificationStream(rectificationId),
        kind: command.type === 'DispatchRectification' ? 'create' : 'update',
        fold: (recorded) => foldRectification(rectificationEvents(recorded)),
        decide: (state, now) => decideRectification(command, state, { now, actor: staff }),
        refusal,
        notFound: () => refusal({ code: 'RECTIFICATION_NOT_FOUND', message: `there is no rectification ${rectificationId}` }),
        schemaVersion: (type) => RectificationEventCodecs[type].version,
        onExisting: (recorded) => {
          const head = repeatOf(recorded, requestFingerprint);
          return { id: rectificationId, revision: head.revision, position: head.position, created: false };
        },
        extraMetadata: (event): JsonObject => (event.type === 'RectificationDispatched' && requestFingerprint !== undefined ? { requestFingerprint } : {}),
      },
      { staff, correlationId, ...(expectedRevision === undefined ? {} : { expectedRevision }) },
    );
    if (command.type !== 'DispatchRectification') return outcome;
    const [dispatched] = await this.store.readStream(rectificationStream(rectificationId), { maxCount: 1 });
    // The answer's position covers every link (X-Min-Position with it shows each case linked), a repeat's too: linking
    // again changes nothing and answers the case's position, and a link a crash left unwritten is written now.
    let { position } = outcome;
    for (const complaintId of command.body.sourceComplaintIds) {
      // The item exists whatever happens here; a link not written now is written by the SLA scheduler's next tick.
      const linked = await this.commands
        .execute<HandleComplaintCommand, CommandOutcome>(
          new HandleComplaintCommand(
            complaintId,
            { type: 'LinkRectification', body: { rectificationId, problem: command.body.problem } },
            staff,
            correlationId,
            undefined,
            undefined,
            dispatched?.id,
          ),
        )
        .catch((error: unknown) => this.logger.warn({ err: error, complaintId, rectificationId }, 'rectification link deferred to the scheduler'));
      if (linked) position = Math.max(position, linked.position);
    }
    return { ...outcome, position };
  }

  private async sourcesExist(complaintIds: readonly string[]): Promise<void> {
    const missing: string[] = [];
    for (const id of complaintIds) {
      const [first] = await this.store.readStream(complaintStream(id), { maxCount: 1 });
      if (!first) missing.push(id);
    }
    if (missing.length > 0) throw refusal({ code: 'SOURCE_COMPLAINT_UNKNOWN', message: `no complaint ${missing.join(', ')}: a rectification starts from existing complaints` });
  }
}
