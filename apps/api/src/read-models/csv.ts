/**
 * RFC 4180 CSV for spreadsheets: CRLF lines, quoted fields, a UTF-8 byte
 * order mark so Excel reads Chinese text as UTF-8, and formula-looking cells
 * prefixed with an apostrophe so a complaint text cannot run in the analyst's
 * spreadsheet (CSV injection).
 */
const cell = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const toCsv = (header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string =>
  `\uFEFF${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;

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
 * Whether to answer in CSV: the client names text/csv and weighs it no less than JSON. Being named is not enough:
 * `Accept: application/json, text/csv;q=0.1` prefers JSON. A weight that is not a number never picks CSV.
 */
export const prefersCsv = (accept: string | undefined): boolean => {
  const ranges = mediaRanges(accept ?? '');
  const csv = ranges.find(({ type }) => type === 'text/csv');
  return csv !== undefined && csv.q > 0 && csv.q >= jsonWeight(ranges);
};
