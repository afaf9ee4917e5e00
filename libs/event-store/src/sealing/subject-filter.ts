import { createHash } from 'node:crypto';

/**
 * A Bloom filter over the subjects that have a data key: "certainly not" or
 * "maybe". An intake almost always names a new complainant, and asking the
 * key table for a subject it does not hold cost the api ~30 µs a request
 * (a read transaction against a WAL the writer keeps moving). A wrong "maybe"
 * only costs that lookup; "certainly not" is wrong only for a key another
 * process made since this one started, and then the subject gets a second key
 * of its own, which erasure deletes with the first.
 */
export class SubjectFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  /** Sized for `expected` subjects at 16 bits each (~0.05 % false "maybe"), at least 1 MiB. */
  constructor(expected: number) {
    const size = Math.max(1 << 23, 2 ** Math.ceil(Math.log2(Math.max(1, expected) * 16)));
    this.bits = new Uint32Array(size / 32);
    this.mask = size - 1;
  }

  add(subject: string): void {
    for (const bit of this.positions(subject)) this.bits[bit >>> 5] = (this.bits[bit >>> 5] as number) | (1 << (bit & 31));
  }

  mightHave(subject: string): boolean {
    return this.positions(subject).every((bit) => ((this.bits[bit >>> 5] as number) & (1 << (bit & 31))) !== 0);
  }

  /** Seven positions from one MD5 (double hashing): not for secrecy, only for spread. */
  private positions(subject: string): number[] {
    const digest = createHash('md5').update(subject).digest();
    const a = digest.readUInt32LE(0);
    const b = digest.readUInt32LE(4) | 1;
    return Array.from({ length: 7 }, (_, i) => (a + i * b) & this.mask);
  }
}
