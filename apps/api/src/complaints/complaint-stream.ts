import { uuidv5 } from '@redress/event-store';
import { REDRESS_NAMESPACE } from '../http/idempotency';

/**
 * The same external reference is the same complaint arriving twice: its id
 * follows from the reference, so appending with `no_stream` makes the repeat
 * find the first case, race-free, without any index.
 */
export const externalRefComplaintId = (externalRef: string): string => uuidv5(REDRESS_NAMESPACE, `external-ref:${externalRef}`);
