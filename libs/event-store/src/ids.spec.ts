import { uuidv5, uuidv7 } from './ids';

describe('uuidv7', () => {
  it('is a version 7, variant 1 UUID carrying the time in its first 48 bits', () => {
    const at = Date.UTC(2026, 10, 25, 12, 0, 0);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by creation time across milliseconds', () => {
    const ids = [0, 1, 2, 1000, 86_400_000].map((offset) => uuidv7(1_790_000_000_000 + offset));
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('uuidv7 randomness', () => {
  it('never repeats within a millisecond across pool refills', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7(1_790_000_000_000));
    expect(new Set(ids).size).toBe(5000);
  });
});

describe('uuidv5', () => {
  it('matches the RFC 9562 example (DNS namespace, www.example.com)', () => {
    expect(uuidv5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});
