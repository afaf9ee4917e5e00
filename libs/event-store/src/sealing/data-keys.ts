/**
 * Data keys for crypto-shredding: one AES-256 key per data subject (a
 * complainant), kept beside the log, never in it. Deleting a subject's keys
 * makes every value sealed with them unreadable, while the log, its hash
 * chains and everything else in it stay as they were.
 */
export interface DataKey {
  readonly id: string;
  readonly subject: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

export interface DataKeyStore {
  /**
   * The subject's key, made when it has none. A new key is durable before
   * any event appended after this resolves can be: the embedded log commits
   * it with its next batch; other stores write it before resolving.
   */
  keyFor(subject: string): Promise<DataKey>;
  /** A key by its id; undefined once its subject was erased. */
  find(id: string): Promise<DataKey | undefined>;
  /**
   * Deletes every key of the subject, for good; how many there were. Until
   * `endErasure` of the same `erasure` (an id of the caller's), or for
   * ERASURE_FENCE_MS at most (an erasure that died half way), `keyFor(subject)`
   * refuses with ErasureInProgressError in every process: what is written
   * while the erasure finds the subject's records cannot be sealed under a
   * key it would miss. Each erasure holds a fence of its own, so one ending
   * leaves another of the same subject fenced.
   */
  erase(subject: string, erasure: string): Promise<number>;
  /** This erasure is over: once no other holds a fence, the subject may be given a key again (a complaint made after it). */
  endErasure(subject: string, erasure: string): Promise<void>;
  close(): Promise<void>;
}

/** How long an erasure keeps its subject from new keys when it does not end it (a crash). */
export const ERASURE_FENCE_MS = 10 * 60_000;

/** AES-256: 32 random bytes. */
export const DATA_KEY_BYTES = 32;
