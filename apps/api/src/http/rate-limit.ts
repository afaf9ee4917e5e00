import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * A token bucket per key (the token's user): `perSecond` requests a second
 * on average and bursts of up to twice that. Buckets live as long as the
 * process: one per member of staff, and only a signed token makes a key.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly burst: number;

  constructor(private readonly perSecond: number) {
    this.burst = Math.max(1, 2 * perSecond);
  }

  /** Takes a request's token, or throws 429 RATE_LIMITED saying when the next one is due. 0 per second: no limit. */
  take(key: string, now: Date, what: string): void {
    if (this.perSecond === 0) return;
    const bucket = this.buckets.get(key);
    // A clock stepped back credits no time twice.
    const at = Math.max(now.getTime(), bucket?.at ?? 0);
    const tokens = bucket ? Math.min(this.burst, bucket.tokens + (Math.max(0, at - bucket.at) / 1000) * this.perSecond) : this.burst;
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at });
      return;
    }
    this.buckets.set(key, { tokens, at });
    const retryAfterSeconds = Math.ceil((1 - tokens) / this.perSecond);
    throw new HttpException(
      { code: 'RATE_LIMITED', message: `${what}: at most ${this.perSecond} a second per user (bursts of ${this.burst}); try again in ${retryAfterSeconds} s`, retryAfterSeconds },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
