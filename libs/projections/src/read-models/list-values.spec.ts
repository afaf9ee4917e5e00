import fc from 'fast-check';
import { NONE, formatListValues, parseListValues } from './list-values';

describe('list values in a query parameter', () => {
  it('reads back exactly what was written, commas, quotes, "(none)" and missing values included', () => {
    const value = fc.oneof(fc.constant(null), fc.constant(NONE), fc.constant('Cards, Gold'), fc.constant('say "hi"'), fc.constant(' padded '), fc.string({ minLength: 1, maxLength: 12 }));
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 6 }), (values) => expect(parseListValues(formatListValues(values))).toEqual(values)), { numRuns: 500 });
  });

  it('reads the plain forms people type, and refuses broken quoting', () => {
    expect(parseListValues('finance,delivery')).toEqual(['finance', 'delivery']);
    expect(parseListValues('(none),billing')).toEqual([null, 'billing']);
    expect(parseListValues('"(none)"')).toEqual(['(none)']);
    expect(parseListValues('"Cards, Gold",x')).toEqual(['Cards, Gold', 'x']);
    expect(parseListValues('"unclosed')).toBeUndefined();
    expect(parseListValues('"a"b')).toBeUndefined();
  });
});
