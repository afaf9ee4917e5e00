import type { EventStore, RecordedEvent } from './event-store';
import { ChainVerifier, type ChainReport } from './hash-chain';
import type { SealAudit, SealReport } from './sealing/seal-audit';

export interface VerifyOptions {
  /** Verify one stream only; default: every stream in the log. */
  readonly streamName?: string;
  readonly pageSize?: number;
  /** Also check that every sealed event opens with its data key unless its subject was erased (SealedEventStore.sealAudit). */
  readonly seals?: SealAudit;
}

export interface VerifyReport extends ChainReport {
  /** With `seals`, for the events up to the first break. */
  readonly seals?: SealReport;
}

/**
 * Re-computes the hash chains from the store itself: the whole log in
 * position order, or one stream in revision order. Stops at the first break.
 */
export const verifyLog = async (store: EventStore, options: VerifyOptions = {}): Promise<VerifyReport> => {
  const verifier = new ChainVerifier();
  const { seals } = options;
  const pageSize = options.pageSize ?? 5000;
  /** Checks a page; false when it is the last to check. */
  const checked = async (page: readonly RecordedEvent[]): Promise<boolean> => {
    const chained = page.filter((event) => verifier.accept(event));
    if (seals) for (const event of chained) await seals.accept(event);
    return chained.length === page.length && page.length === pageSize;
  };
  if (options.streamName !== undefined) {
    for (let from = 0; await checked(await store.readStream(options.streamName, { fromRevision: from, maxCount: pageSize })); from += pageSize);
  } else {
    for (let after = 0; ; ) {
      const page = await store.readAll({ after, maxCount: pageSize });
      if (!(await checked(page))) break;
      after = (page[page.length - 1] as { position: number }).position;
    }
  }
  // A missing key is excused by an erasure of its subject, recorded in a stream of the subject's own: one stream's
  // check has not read it, and the whole log's may have ended just before an erasure that deleted a key it then read.
  if (seals) for (const stream of seals.erasureStreams()) for (const event of await store.readStream(stream)) await seals.accept(event);
  return { ...verifier.report(), ...(seals ? { seals: seals.report() } : {}) };
};
