import * as E from 'fp-ts/Either';
import * as fc from 'fast-check';
import { day, instant, languageTag } from './codecs';

describe('instant', () => {
  it('normalises an ISO-8601 time with a zone to UTC, offsets up to 14 hours either way', () => {
    expect(instant.decode('2026-11-25T09:30:00+08:00')).toEqual(E.right('2026-11-25T01:30:00.000Z'));
    expect(instant.decode('2026-11-25T09:30:00+14:00')).toEqual(E.right('2026-11-24T19:30:00.000Z'));
    expect(instant.decode('2026-11-25T09:30:00-12:00')).toEqual(E.right('2026-11-25T21:30:00.000Z'));
  });

  it('refuses, without throwing, an offset no clock has and a day its month has not', () => {
    for (const text of ['2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00+00:60', '2026-01-01T00:00:00-99:99', '2026-01-01T00:00:00+15:00', '2026-02-29T00:00:00Z', '2026-01-01T24:00:00Z']) {
      expect(instant.is(text)).toBe(false);
      expect(E.isLeft(instant.decode(text))).toBe(true);
    }
  });

  it('refuses an instant whose UTC year is outside 1970–9999, so that every instant it gives compares as text', () => {
    for (const text of ['9999-12-31T23:59:00-14:00', '0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '1970-01-01T00:30:00+01:00']) {
      expect(instant.is(text)).toBe(false);
      expect(instant.decode(text)).toMatchObject(E.left([{ message: expect.stringContaining('1970 to 9999') }]));
    }
    expect(instant.decode('1970-01-01T01:00:00+01:00')).toEqual(E.right('1970-01-01T00:00:00.000Z'));
    expect(instant.decode('9999-12-31T23:59:59.999Z')).toEqual(E.right('9999-12-31T23:59:59.999Z'));
    expect(day.is('1969-12-31')).toBe(false);
    expect(day.is('9999-12-31')).toBe(true);
  });

  it('never throws: whatever it accepts is a real instant, written with a four-digit year', () => {
    const part = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const text = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), part(13), part(32), part(24), part(60), part(60), fc.constantFrom('Z', '+', '-'), part(99), part(99))
      .map(([y, mo, d, h, mi, s, zone, oh, om]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}${zone === 'Z' ? 'Z' : `${zone}${oh}:${om}`}`);
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (candidate) => {
        const decoded = instant.decode(candidate);
        if (E.isLeft(decoded)) return;
        expect(decoded.right).toBe(new Date(candidate).toISOString());
        // Four digits of year: text order is time order.
        expect(decoded.right).toMatch(/^\d{4}-/);
      }),
    );
  });
});

describe('languageTag', () => {
  it('takes a well-formed BCP 47 tag, und included, and refuses anything else', () => {
    for (const tag of ['und', 'en', 'zh-CN', 'zh-Hans-CN', 'en-US-u-ca-gregory']) expect(languageTag.decode(tag)).toEqual(E.right(tag));
    expect(languageTag.decode(' zh ')).toEqual(E.right('zh'));
    for (const text of ['=not a tag!', 'en_US', 'e', 'en-', '', ' ', `en-${'a'.repeat(40)}`, 42]) {
      expect(languageTag.is(text)).toBe(false);
      expect(languageTag.decode(text)).toMatchObject(E.left([{ message: expect.stringContaining('BCP 47') }]));
    }
  });
});
