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
