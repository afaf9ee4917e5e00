import { durationMs } from './duration';

const HOUR = 3_600_000;

describe('durationMs (the SLA board window)', () => {
  it('reads weeks, days, hours and minutes', () => {
    expect(durationMs('PT24H')).toBe(24 * HOUR);
    expect(durationMs('P2D')).toBe(48 * HOUR);
    expect(durationMs('P1DT12H')).toBe(36 * HOUR);
    expect(durationMs('PT30M')).toBe(HOUR / 2);
    expect(durationMs('P1W')).toBe(durationMs('P7D'));
    expect(durationMs('P1W2D')).toBe(9 * 24 * HOUR);
    expect(durationMs('P0D')).toBe(0);
  });

  it('refuses what is not such a duration, or names no amount', () => {
    for (const text of ['', 'P', 'PT', 'P1DT', 'tomorrow', '24h', 'P1M', 'P1Y', 'PT1S', 'P2D1W', '-P1D', 'P1.5D', 'p1d']) expect(durationMs(text)).toBeUndefined();
  });
});
