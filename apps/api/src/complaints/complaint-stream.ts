import { createHash } from 'node:crypto';
import { isComplaintEventType, type ComplaintEvent } from '@redress/contracts';
import type { RecordedEvent } from '@redress/event-store';

export const complaintStream = (complaintId: string): string => `complaint-${complaintId}`;

/** RFC 9562 UUID version 5 under Redress's own namespace. */
const NAMESPACE = Buffer.from('6f1c2a0e4b8d5f3a9c7e1d2b3a4f5e6d', 'hex');
const uuidv5 = (name: string): string => {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = 0x50 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * The case id follows from what makes an intake a repeat: the external
 * reference (the same complaint arriving twice), else the caller's
 * Idempotency-Key (per user). Appending with `no_stream` then makes a
 * repeat find the first case, race-free, without any index.
 */
export const intakeComplaintId = (externalRef: string | undefined, idempotency: { user: string; key: string } | undefined, fresh: () => string): string =>
  externalRef !== undefined
    ? uuidv5(`external-ref:${externalRef}`)
    : idempotency !== undefined
      ? uuidv5(`idempotency-key:${idempotency.user}:${idempotency.key}`)
      : fresh();

/** The complaint events of a stream (other aggregates' events linked into it are not the case's to fold). */
export const complaintEvents = (recorded: readonly RecordedEvent[]): ComplaintEvent[] =>
  recorded.filter((event) => isComplaintEventType(event.type)).map((event) => ({ type: event.type, data: event.data }) as ComplaintEvent);
