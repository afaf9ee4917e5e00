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
  /** Deletes every key of the subject, for good; how many there were. */
  erase(subject: string): Promise<number>;
  close(): Promise<void>;
}

/** AES-256: 32 random bytes. */
export const DATA_KEY_BYTES = 32;
