import { Inject, NotFoundException } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { foldRectification, rectificationEvents, rectificationStream, type Rectification } from '@redress/domain';
import type { EventStore, RecordedEvent } from '@redress/event-store';
import { historyEntry } from '../http/history-entry';
import { EVENT_STORE } from '../tokens';

const readItem = async (store: EventStore, id: string): Promise<RecordedEvent[]> => {
  const recorded = await store.readStream(rectificationStream(id));
  if (recorded.length === 0) throw new NotFoundException({ code: 'RECTIFICATION_NOT_FOUND', message: `there is no rectification ${id}` });
  return recorded;
};

/** The item as the api shows it: its id, revision, step and status, then what each step recorded. */
export const rectificationView = (id: string, revision: number, state: Rectification) => {
  const { dispatch, status, ...rest } = state;
  const { rectificationId: _id, ...dispatched } = dispatch ?? { rectificationId: id };
  return { id, revision, status, ...rest, ...dispatched };
};

export class GetRectification {
  constructor(readonly id: string) {}
}
@QueryHandler(GetRectification)
export class GetRectificationHandler implements IQueryHandler<GetRectification> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute({ id }: GetRectification) {
    const recorded = await readItem(this.store, id);
    return rectificationView(id, recorded.length - 1, foldRectification(rectificationEvents(recorded)));
  }
}

export class GetRectificationHistory {
  constructor(readonly id: string) {}
}
@QueryHandler(GetRectificationHistory)
export class GetRectificationHistoryHandler implements IQueryHandler<GetRectificationHistory> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute({ id }: GetRectificationHistory) {
    return { id, events: (await readItem(this.store, id)).map(historyEntry) };
  }
}
