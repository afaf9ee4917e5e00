import type { Clock } from '@redress/platform';

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  advanceHours(hours: number): void {
    this.at += hours * 3_600_000;
  }
  set(iso: string): void {
    this.at = Date.parse(iso);
  }
}
