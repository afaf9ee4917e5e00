import { isComplaintEventType, type ComplaintEvent } from '@redress/contracts';
import { uuidv5, type RecordedEvent } from '@redress/event-store';

export const complaintStream = (complaintId: string): string => `complaint-${complaintId}`;

/** Redress's own namespace for name-based (version 5) complaint ids. */
const NAMESPACE = '6f1c2a0e-4b8d-5f3a-9c7e-1d2b3a4f5e6d';

/**
 * The case id follows from what makes an intake a repeat: the external
 * reference (the same complaint arriving twice), else the caller's
 * Idempotency-Key (per user). Appending with `no_stream` then makes a
 * repeat find the first case, race-free, without any index.
 */
export const intakeComplaintId = (externalRef: string | undefined, idempotency: { user: string; key: string } | undefined, fresh: () => string): string =>
  externalRef !== undefined
    ? uuidv5(NAMESPACE, `external-ref:${externalRef}`)
    : idempotency !== undefined
      ? uuidv5(NAMESPACE, `idempotency-key:${idempotency.user}:${idempotency.key}`)
      : fresh();

/** The complaint events of a stream (other aggregates' events linked into it are not the case's to fold). */
export const complaintEvents = (recorded: readonly RecordedEvent[]): ComplaintEvent[] =>
  recorded.filter((event) => isComplaintEventType(event.type)).map((event) => ({ type: event.type, data: event.data }) as ComplaintEvent);
