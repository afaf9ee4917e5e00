import { isComplaintEventType, isRectificationEventType, upcast, type RectificationEvent } from '@redress/contracts';
import type { TimedComplaintEvent } from './complaint';

/**
 * Where each aggregate's events live, and how stored events read back as the
 * domain's. Shared by the command side, the scheduler and the projections, so
 * all three read a stream the same way.
 */
const COMPLAINT_STREAM_PREFIX = 'complaint-';
const RECTIFICATION_STREAM_PREFIX = 'rectification-';
const COMPLAINANT_STREAM_PREFIX = 'complainant-';
export const complainantStream = (complainantId: string): string => `${COMPLAINANT_STREAM_PREFIX}${complainantId}`;
export const complaintStream = (complaintId: string): string => `${COMPLAINT_STREAM_PREFIX}${complaintId}`;
export const rectificationStream = (rectificationId: string): string => `${RECTIFICATION_STREAM_PREFIX}${rectificationId}`;

const idIn =
  (prefix: string) =>
  (streamName: string): string | undefined =>
    streamName.startsWith(prefix) ? streamName.slice(prefix.length) : undefined;
/** The complaint a stream holds, or undefined for a stream of another kind. */
export const complaintIdOf = idIn(COMPLAINT_STREAM_PREFIX);
/** The rectification item a stream holds, or undefined for a stream of another kind. */
export const rectificationIdOf = idIn(RECTIFICATION_STREAM_PREFIX);

/** A stored event as far as the domain reads it (the store's RecordedEvent has these fields). */
export interface StoredEvent {
  readonly type: string;
  readonly data: object;
  readonly metadata: { readonly [key: string]: unknown };
  readonly recordedAt: string;
}

/** When it happened: the occurred-at of its metadata (an import's original time), else when it was recorded. */
export const occurredAt = (event: StoredEvent): string => (typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt);

/** The version an event was stored in: its metadata's schemaVersion, 1 for events written before versions were recorded. */
export const storedVersion = (event: StoredEvent): number => (typeof event.metadata.schemaVersion === 'number' ? event.metadata.schemaVersion : 1);

/** Data as its type's current version, whatever version it was stored in. */
export const currentData = (event: StoredEvent): object => upcast(event.type, storedVersion(event), event.data as Record<string, unknown>).data;

export const complaintEvent = (event: StoredEvent): TimedComplaintEvent | undefined =>
  isComplaintEventType(event.type) ? ({ type: event.type, data: currentData(event), at: occurredAt(event) } as TimedComplaintEvent) : undefined;

/** The complaint events of a stream, with the time each occurred (SLA progress needs it). */
export const complaintEvents = (recorded: readonly StoredEvent[]): TimedComplaintEvent[] =>
  recorded.flatMap((event) => complaintEvent(event) ?? []);

export const rectificationEvent = (event: StoredEvent): RectificationEvent | undefined =>
  isRectificationEventType(event.type) ? ({ type: event.type, data: currentData(event) } as RectificationEvent) : undefined;

export const rectificationEvents = (recorded: readonly StoredEvent[]): RectificationEvent[] => recorded.flatMap((event) => rectificationEvent(event) ?? []);
