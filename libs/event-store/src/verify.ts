import type { EventStore } from './event-store';
import { ChainVerifier, type ChainReport } from './hash-chain';

export interface VerifyOptions {
  /** Verify one stream only; default: every stream in the log. */
  readonly streamName?: string;
  readonly pageSize?: number;
}

/**
 * Re-computes the hash chains from the store itself: the whole log in
 * position order, or one stream in revision order. Stops at the first break.
 */
export const verifyLog = async (store: EventStore, options: VerifyOptions = {}): Promise<ChainReport> => {
  const verifier = new ChainVerifier();
  const pageSize = options.pageSize ?? 5000;
  if (options.streamName !== undefined) {
    for (let from = 0; ; from += pageSize) {
      const page = await store.readStream(options.streamName, { fromRevision: from, maxCount: pageSize });
      if (!page.every((event) => verifier.accept(event)) || page.length < pageSize) break;
    }
    return verifier.report();
  }
  for (let after = 0; ; ) {
    const page = await store.readAll({ after, maxCount: pageSize });
    if (!page.every((event) => verifier.accept(event)) || page.length < pageSize) break;
    after = (page[page.length - 1] as { position: number }).position;
  }
  return verifier.report();
};
