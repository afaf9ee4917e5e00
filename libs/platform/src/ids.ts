import { uuidv5 } from '@redress/event-store';

/** Redress's own namespace for name-based (version 5) ids of things created under a key. */
export const REDRESS_NAMESPACE = '6f1c2a0e-4b8d-5f3a-9c7e-1d2b3a4f5e6d';

/**
 * The same external reference is the same complaint arriving twice, whether
 * by intake or by the bulk import: its id follows from the reference, so
 * appending with `no_stream` makes the repeat find the first case, race-free,
 * without any index.
 */
export const externalRefComplaintId = (externalRef: string): string => uuidv5(REDRESS_NAMESPACE, `external-ref:${externalRef}`);
