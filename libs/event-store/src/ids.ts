import { createHash, randomFillSync } from 'node:crypto';

/**
 * Random bytes are drawn from a pool refilled 4 KiB at a time, as node's own
 * randomUUID does: one call into the CSPRNG per ~400 ids (or ~90 data keys
 * with their IVs) instead of one each, which cost an intake about 5 µs a call.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;
const fromPool = (size: number): Buffer => {
  if (used + size > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += size;
  return pool.subarray(used - size, used);
};

/** `size` (≤ 4096) cryptographically random bytes of its own (a copy: the pool is refilled in place). */
export const randomBytes = (size: number): Buffer => {
  // Buffer.alloc, not Buffer.from: a small Buffer.from lands in node's shared 8 KiB pool, and a key would then carry it along.
  const bytes = Buffer.alloc(size);
  fromPool(size).copy(bytes);
  return bytes;
};

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.
 * Ids made here are time-ordered, so new streams and events land at the end
 * of the store's (stream, revision) and id indexes instead of on random
 * pages; on SQLite that more than halves the bytes each commit writes and
 * fsyncs (see bench/event-store).
 */
export const uuidv7 = (now: number = Date.now()): string => {
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(now, 0, 6);
  fromPool(10).copy(bytes, 6);
  return formatUuid(bytes, 0x70);
};

/**
 * UUID version 5 (RFC 9562): the same name in the same namespace always
 * gives the same id, which is how a repeated request finds what it made.
 */
export const uuidv5 = (namespace: string, name: string): string =>
  formatUuid(createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16), 0x50);

/** Stamps version and variant into 16 bytes and writes them 8-4-4-4-12. */
const formatUuid = (bytes: Buffer, version: number): string => {
  bytes[6] = version | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
