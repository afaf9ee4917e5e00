interface MediaRange {
  readonly type: string;
  readonly q: number;
}

/** An Accept header (`text/csv;q=0.5, application/json`) as its ranges, in lower case, with their weights; a range without q weighs 1. */
const mediaRanges = (accept: string): MediaRange[] =>
  accept.split(',').map((part) => {
    const [range = '', ...parameters] = part.split(';').map((text) => text.trim());
    const weight = parameters.find((parameter) => /^q=/i.test(parameter));
    return { type: range.toLowerCase(), q: weight === undefined ? 1 : Number(weight.slice(2)) };
  });

/** The weight of JSON, the answer otherwise: that of the most specific range that matches it (RFC 9110 12.5.1), 0 when none does. */
const jsonWeight = (ranges: readonly MediaRange[]): number =>
  (ranges.find(({ type }) => type === 'application/json') ?? ranges.find(({ type }) => type === 'application/*') ?? ranges.find(({ type }) => type === '*/*'))?.q ?? 0;

/**
 * Which of `offered` to answer in rather than JSON: the one the client names
 * with the highest weight, if that weight is above 0 and no less than JSON's
 * (the first offered on a tie); undefined for JSON. Being named is not
 * enough: `Accept: application/json, text/csv;q=0.1` prefers JSON. Only a
 * type named outright counts (`text/*` or `*\/*` picks JSON), and a weight
 * that is not a number never picks one.
 */
export const preferredOverJson = <T extends string>(accept: string | undefined, offered: readonly T[]): T | undefined => {
  const ranges = mediaRanges(accept ?? '');
  const json = jsonWeight(ranges);
  const weighed = offered.flatMap((type) => ranges.filter((range) => range.type === type && range.q > 0 && range.q >= json).map(({ q }) => ({ type, q })));
  return weighed.reduce<{ type: T; q: number } | undefined>((best, next) => (best === undefined || next.q > best.q ? next : best), undefined)?.type;
};
