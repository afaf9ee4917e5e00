import { Inject, NotFoundException } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { complaintEvents, complaintStream, foldComplaint, type Complaint } from '@redress/domain';
import { verifyLog, type EventStore, type RecordedEvent, type SealedEventStore } from '@redress/event-store';
import { EVENT_STORE } from '../tokens';
import { historyEntry } from '../http/history-entry';
import { complaintView } from './complaint-view';

const notFound = (id: string, when = '') =>
  new NotFoundException({ code: 'COMPLAINT_NOT_FOUND', message: `there is no complaint ${id}${when}` });

/** The case's events, oldest first; 404 when there are none. */
const readCase = async (store: EventStore, id: string): Promise<RecordedEvent[]> => {
  const recorded = await store.readStream(complaintStream(id));
  if (recorded.length === 0) throw notFound(id);
  return recorded;
};

/** How many folded cases a process keeps for reads (a few KB each). */
const FOLDED_CASES = 2000;

/**
 * The cases read most recently, folded. A read asks the store only for the
 * events after the cached revision and folds those: the log is append-only,
 * so the fold at revision r plus the events after r is the fold of the whole
 * stream. A busy case's read costs one index lookup instead of reading and
 * folding its every event.
 */
class FoldedCases {
  private readonly folded = new Map<string, { readonly revision: number; readonly state: Complaint }>();

  async read(store: EventStore, id: string): Promise<{ readonly revision: number; readonly state: Complaint }> {
    const stream = complaintStream(id);
    const cached = this.folded.get(stream);
    const newer = await store.readStream(stream, cached ? { fromRevision: cached.revision + 1 } : {});
    if (!cached && newer.length === 0) throw notFound(id);
    const last = newer[newer.length - 1];
    const current = last ? { revision: last.revision, state: foldComplaint(complaintEvents(newer), cached?.state) } : (cached as NonNullable<typeof cached>);
    // Most recently read last, so the first key is the one to forget.
    this.folded.delete(stream);
    this.folded.set(stream, current);
    if (this.folded.size > FOLDED_CASES) this.folded.delete(this.folded.keys().next().value as string);
    return current;
  }
}

/** Current state, folded from the stream: authoritative, no projection lag. */
export class GetComplaint {
  constructor(readonly id: string) {}
}
@QueryHandler(GetComplaint)
export class GetComplaintHandler implements IQueryHandler<GetComplaint> {
  private readonly cases = new FoldedCases();
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute({ id }: GetComplaint) {
    const { revision, state } = await this.cases.read(this.store, id);
    return complaintView(id, revision, state);
  }
}

export class GetComplaintHistory {
  constructor(readonly id: string) {}
}
@QueryHandler(GetComplaintHistory)
export class GetComplaintHistoryHandler implements IQueryHandler<GetComplaintHistory> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute({ id }: GetComplaintHistory) {
    return { id, events: (await readCase(this.store, id)).map(historyEntry) };
  }
}

/**
 * The state exactly as it was: after the last event recorded at or before
 * `asOf` (the store's recording time, i.e. what the system knew then), or
 * after revision `atRevision`.
 */
export class GetComplaintStateAt {
  constructor(
    readonly id: string,
    readonly at: { readonly asOf: string } | { readonly atRevision: number },
  ) {}
}
@QueryHandler(GetComplaintStateAt)
export class GetComplaintStateAtHandler implements IQueryHandler<GetComplaintStateAt> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute({ id, at }: GetComplaintStateAt) {
    const recorded = await readCase(this.store, id);
    if ('atRevision' in at && at.atRevision >= recorded.length) throw notFound(id, ` at revision ${at.atRevision} (it is at ${recorded.length - 1})`);
    const upTo =
      'asOf' in at ? recorded.filter((event) => Date.parse(event.recordedAt) <= Date.parse(at.asOf)) : recorded.filter((event) => event.revision <= at.atRevision);
    if (upTo.length === 0) throw notFound(id, ` as of ${'asOf' in at ? at.asOf : ''}`);
    const last = upTo[upTo.length - 1] as RecordedEvent;
    return { ...complaintView(id, last.revision, foldComplaint(complaintEvents(upTo))), asOf: 'asOf' in at ? at.asOf : last.recordedAt };
  }
}

/** The hash-chain check of one case, and that its sealed personal data still opens unless the complainant was erased. */
export class VerifyComplaint {
  constructor(readonly id: string) {}
}
@QueryHandler(VerifyComplaint)
export class VerifyComplaintHandler implements IQueryHandler<VerifyComplaint> {
  constructor(@Inject(EVENT_STORE) private readonly store: SealedEventStore) {}
  async execute({ id }: VerifyComplaint) {
    // The chain covers the events as written, personal data sealed.
    const { events, firstBreak, seals } = await verifyLog(this.store.asStored, { streamName: complaintStream(id), seals: this.store.sealAudit() });
    if (events === 0 && !firstBreak) throw notFound(id);
    const firstUnreadable = seals?.firstUnreadable;
    return { id, ok: !firstBreak && !firstUnreadable, verifiedEvents: events, ...(firstBreak ? { firstBreak } : {}), ...(firstUnreadable ? { firstUnreadable } : {}) };
  }
}

export const COMPLAINT_QUERY_HANDLERS = [GetComplaintHandler, GetComplaintHistoryHandler, GetComplaintStateAtHandler, VerifyComplaintHandler];
