import { HttpException, HttpStatus, Inject, NotFoundException } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import * as E from 'fp-ts/Either';
import { ComplainantEventCodecs } from '@redress/contracts';
import { complainantStream } from '@redress/domain';
import { uuidv7, type SealedEventStore } from '@redress/event-store';
import type { Logger } from 'pino';
import type { Clock } from '@redress/platform';
import type { CaseDocument, ProjectionCatalog } from '@redress/projections';
import type { StaffMember } from '../auth/actor';
import { decideAndAppend } from '../commands/decide-and-append';
import { HandleComplaintCommand } from '../complaints/complaint-command';
import { readable } from '../read-models/read-your-writes';
import { CLOCK, EVENT_STORE, LOGGER, PROJECTION_CATALOG } from '../tokens';

/** The right to erasure for one complainant (POST /complainants/:id/erase). */
export class EraseComplainant {
  constructor(
    readonly complainantId: string,
    readonly reason: string,
    readonly staff: StaffMember,
    readonly correlationId: string,
  ) {}
}

export interface ErasureOutcome {
  readonly complainantId: string;
  /** The cases whose personal data now reads as `[erased]`. */
  readonly complaints: readonly string[];
  readonly keysErased: number;
  /** The log position of the last event written: wait on it (X-Min-Position) to read the scrubbed read models. */
  readonly position: number;
}

const PAGE = 200;

/**
 * Erasure in three steps, each safe to repeat if a crash interrupts it (the
 * request is then simply made again):
 * 1. `ComplainantDataErased` in `complainant-<id>`: who asked, why, which cases;
 * 2. the complainant's data keys are deleted: from here every event of theirs
 *    reads `[erased]`, in every rebuild, while every hash chain still verifies;
 * 3. `PersonalDataErased` on each case, which the case's fold, every read
 *    model built from it and every cached fold pick up like any other event.
 * The cases are found in the case view once it holds the whole log; a
 * complaint received while this runs is found by a second look after the
 * keys are gone. From the deletion until the last case is marked, the key
 * store gives the complainant no key (an intake meanwhile is refused, 409),
 * so nothing of theirs can be written that this erasure would miss.
 */
@CommandHandler(EraseComplainant)
export class EraseComplainantHandler implements ICommandHandler<EraseComplainant, ErasureOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: SealedEventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROJECTION_CATALOG) private readonly catalog: ProjectionCatalog,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly commands: CommandBus,
  ) {}

  async execute({ complainantId, reason, staff, correlationId }: EraseComplainant): Promise<ErasureOutcome> {
    const complaints = await this.casesOf(complainantId);
    if (complaints.length === 0) throw new NotFoundException({ code: 'COMPLAINANT_NOT_FOUND', message: `no complaint names complainant ${complainantId}` });
    // One command: every event it writes has its id as causation.
    const request = { staff, correlationId, causationId: uuidv7() };
    let { position } = await decideAndAppend(
      this.store,
      this.clock,
      {
        id: complainantId,
        stream: complainantStream(complainantId),
        kind: 'append',
        fold: () => undefined,
        decide: () => E.right([{ type: 'ComplainantDataErased' as const, data: { complainantId, reason, complaints: [...complaints] } }]),
        refusal: () => new HttpException('unreachable', HttpStatus.INTERNAL_SERVER_ERROR),
        notFound: () => new HttpException('unreachable', HttpStatus.INTERNAL_SERVER_ERROR),
        schemaVersion: (type) => ComplainantEventCodecs[type].version,
      },
      request,
    );
    // The fence is this erasure's own (named by its command id): another erasure of the complainant ending does not lift it.
    const erasure = request.causationId;
    try {
      const keysErased = await this.store.erase(complainantId, erasure);
      const received = (await this.casesOf(complainantId)).filter((id) => !complaints.includes(id));
      for (const complaintId of [...complaints, ...received]) {
        const erased = await this.commands.execute(
          new HandleComplaintCommand(complaintId, { type: 'ErasePersonalData', body: { complainantId, reason } }, staff, correlationId, undefined, undefined, request.causationId),
        );
        position = Math.max(position, erased.position);
      }
      return { complainantId, complaints: [...complaints, ...received], keysErased, position };
    } finally {
      // Also when it failed half way: the request is made again, and meanwhile the complainant may complain. A fence
      // that cannot be lifted now lapses by itself; the erasure's own outcome stands.
      await this.store.endErasure(complainantId, erasure).catch((error: unknown) => {
        this.logger.warn({ err: error, complainantId }, 'erasure: could not lift the fence on new keys; it lapses within 10 minutes');
      });
    }
  }

  /** Every case of the complainant in the case view, once it has applied the whole log (503 if it cannot in time). */
  private async casesOf(complainantId: string): Promise<string[]> {
    const cases = (await readable(this.catalog, 'cases', await this.store.headPosition())).collection<CaseDocument>();
    const ids: string[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await cases.find({ complainantId }, { limit: PAGE, sort: [['_id', 1]], ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((item) => item._id));
      if (!page.nextCursor) return ids;
      cursor = page.nextCursor;
    }
  }
}
