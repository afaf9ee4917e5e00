/**
 * How several values travel in one query parameter (`department=finance,delivery`):
 * comma-separated; `(none)` stands for a missing value; a value holding a
 * comma or a double quote, or spelling "(none)" itself, is double-quoted with
 * quotes doubled, as in CSV (`product="Cards, Gold"`). Drill-down links are
 * written this way and the query parameters read it back, so every value
 * survives the trip.
 */
export const NONE = '(none)';

const needsQuotes = (value: string): boolean => /[",]/.test(value) || value === NONE || value.trim() !== value;

export const formatListValues = (values: ReadonlyArray<string | null>): string =>
  values.map((value) => (value === null ? NONE : needsQuotes(value) ? `"${value.replace(/"/g, '""')}"` : value)).join(',');

/** The values, or undefined when the text is malformed (an unclosed quote, text after a closing quote). */
export const parseListValues = (text: string): Array<string | null> | undefined => {
  const values: Array<string | null> = [];
  const token = /\s*(?:"((?:[^"]|"")*)"|([^,"]*))\s*(,|$)/y;
  for (let at = 0; at <= text.length; ) {
    token.lastIndex = at;
    const match = token.exec(text);
    if (!match) return undefined;
    const [, quoted, bare, separator] = match;
    values.push(quoted !== undefined ? quoted.replace(/""/g, '"') : bare === NONE ? null : (bare as string));
    if (separator === '') break;
    at = token.lastIndex;
  }
  return values;
};
