import { createReadStream, type ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { SourceRecord } from '@redress/domain';

/** One row of the source: its record, or why it could not be read. Rows count from 1 at the header (a spreadsheet's numbering). */
export type SourceRow = { readonly row: number; readonly record: SourceRecord } | { readonly row: number; readonly problem: string };

export type SourceFormat = 'csv' | 'ndjson';

export const formatOf = (file: string): SourceFormat | undefined => {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  return undefined;
};

/** The file itself must be mended before it can be imported (its header, or a quote never closed). */
export class SourceFileError extends Error {
  override readonly name: string = 'SourceFileError';
}

/** The file ended inside a quoted field: everything after its opening quote would be one value. */
export class UnterminatedQuoteError extends SourceFileError {
  override readonly name = 'UnterminatedQuoteError';
}

/** One row of CSV: its fields, the file line it starts on, and why it cannot be trusted, if it cannot. */
export interface CsvRow {
  readonly fields: string[];
  readonly line: number;
  /**
   * Text followed a quoted field's closing quote (`"x" y`): a quote is stray
   * or missing, and the quoted field may have swallowed the lines after it.
   */
  readonly malformed?: string;
}

/** Longer than any complaint's text (the longest field Redress takes is 20,000 characters): a quote left open. */
const MAX_QUOTED_FIELD = 1_000_000;

const lineFeedsIn = (text: string): number => {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
};

/**
 * Splits CSV text (RFC 4180: quoted fields with doubled quotes, commas and
 * line breaks inside quotes, CRLF or LF) into rows of fields, as the text
 * arrives: memory holds one row, whatever the file's size. A quote opens a
 * quoted field only at the field's start; anywhere else (`5" screen`) it is
 * a character of the value, as spreadsheets read it. After a closing quote
 * only a comma or the end of the line may follow; anything else marks the row
 * malformed (read on to the end of its line), since a stray quote would
 * otherwise join the lines up to the next quote into one field. A blank line
 * is a row without fields: a spreadsheet numbers it too.
 */
export async function* csvRows(chunks: AsyncIterable<string>): AsyncGenerator<CsvRow> {
  let row: string[] = [];
  /** The file line being read, and the one the current row started on. */
  let line = 1;
  let rowLine = 1;
  /** The field (1-based) whose closing quote had text after it. */
  let strayAfterField: number | undefined;
  let field = '';
  let quoted = false;
  /** A quote inside a quoted field: the end of it, or the first of a doubled pair (the next character tells). */
  let quoteSeen = false;
  /** Nothing of the current field read yet: a quote here opens a quoted field. */
  let fieldStart = true;
  /** Something of this row has been read (so an empty last field still counts). */
  let started = false;
  let first = true;
  /** The last chunk ended a row on \r: a \n opening the next one is the rest of that CRLF, not a blank line. */
  let lineFeedDue = false;
  const special = /[",\r\n]/g;
  for await (let chunk of chunks) {
    if (first) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let i = 0;
    if (lineFeedDue && chunk.length > 0) {
      lineFeedDue = false;
      if (chunk[0] === '\n') i = 1;
    }
    while (i < chunk.length) {
      if (quoteSeen) {
        quoteSeen = false;
        if (chunk[i] === '"') {
          field += '"';
          i += 1;
          continue;
        }
        quoted = false;
        if (chunk[i] !== ',' && chunk[i] !== '\r' && chunk[i] !== '\n') strayAfterField ??= row.length + 1;
      }
      if (quoted) {
        const close = chunk.indexOf('"', i);
        const text = close === -1 ? chunk.slice(i) : chunk.slice(i, close);
        field += text;
        line += lineFeedsIn(text);
        // A quote never closed would otherwise gather the rest of a large file into one string, until V8 gives up.
        if (field.length > MAX_QUOTED_FIELD) throw new UnterminatedQuoteError(`a quoted field opened in the row starting on line ${rowLine} runs over ${MAX_QUOTED_FIELD.toLocaleString('en')} characters (to line ${line}): is its closing quote missing?`);
        if (close === -1) {
          i = chunk.length;
        } else {
          quoteSeen = true;
          i = close + 1;
        }
        continue;
      }
      special.lastIndex = i;
      const found = special.exec(chunk);
      const end = found ? found.index : chunk.length;
      if (end > i) {
        field += chunk.slice(i, end);
        started = true;
        fieldStart = false;
      }
      if (!found) break;
      const char = found[0];
      i = end + 1;
      if (char === '"') {
        if (fieldStart) quoted = true;
        else field += '"';
        started = true;
        fieldStart = false;
      } else if (char === ',') {
        row.push(field);
        field = '';
        started = true;
        fieldStart = true;
      } else {
        // \r\n, \n or a lone \r ends the row; a blank line is a row without fields.
        if (char === '\r' && chunk[i] === '\n') i += 1;
        else if (char === '\r' && i === chunk.length) lineFeedDue = true;
        if (started || row.length > 0) row.push(field);
        yield rowOf(row, rowLine, line, strayAfterField);
        line += 1;
        rowLine = line;
        strayAfterField = undefined;
        row = [];
        field = '';
        started = false;
        fieldStart = true;
      }
    }
  }
  if (quoted && !quoteSeen) throw new UnterminatedQuoteError(`the file ends inside a quoted field: a quote opened in the row starting on line ${rowLine} is never closed`);
  if (started || row.length > 0) {
    row.push(field);
    yield rowOf(row, rowLine, line, strayAfterField);
  }
}

const rowOf = (fields: string[], line: number, lastLine: number, strayAfterField: number | undefined): CsvRow =>
  strayAfterField === undefined
    ? { fields, line }
    : {
        fields,
        line,
        malformed: `has text after the closing quote of field ${strayAfterField}: a quote is stray or missing (the row runs over ${lastLine === line ? `line ${line}` : `lines ${line}–${lastLine}`} of the file)`,
      };

/** A row of nothing but empty fields (`,,,`, as spreadsheets export trailing rows): skipped like a blank line. */
const isEmpty = (fields: readonly string[]): boolean => fields.every((field) => field.trim() === '');

/**
 * The header row's column names, trimmed; a name given twice is refused
 * (which column would a field map to?), but not empty ones: spreadsheets
 * export trailing columns without a name, which nothing maps.
 */
const columnsOf = (fields: readonly string[]): string[] => {
  const columns = fields.map((name) => name.trim());
  const twice = columns.filter((name, i) => name !== '' && columns.indexOf(name) !== i);
  if (twice.length > 0) throw new SourceFileError(`the header names ${[...new Set(twice)].map((name) => JSON.stringify(name)).join(', ')} more than once`);
  return columns;
};

/**
 * A file's text, decoded strictly: one in another encoding (GBK, as Excel on
 * a Chinese Windows saves CSV) would otherwise import as mojibake, in events
 * that cannot be changed, and a run with the file mended would then find
 * every row present. A byte-order mark is left to the readers, which skip it.
 */
async function* utf8Text(stream: ReadStream): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let offset = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new SourceFileError(`the file is not UTF-8 (bytes ${offset}–${offset + chunk.length} hold a sequence UTF-8 does not have): save it as UTF-8, e.g. "CSV UTF-8" in Excel, and import it again`);
    }
    offset += chunk.length;
    yield text;
  }
  try {
    yield decoder.decode();
  } catch {
    throw new SourceFileError('the file is not UTF-8 (it ends inside a character): save it as UTF-8 and import it again');
  }
}

/** The header of a CSV file: its column names, read from the file's start. */
export const csvHeader = async (file: string): Promise<string[]> => {
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  try {
    for await (const { fields } of csvRows(utf8Text(stream))) if (!isEmpty(fields)) return columnsOf(fields);
    return [];
  } finally {
    stream.destroy();
  }
};

/** CSV records keyed by the header row's column names, numbered as a spreadsheet shows them (blank lines count). */
async function* csvRecords(stream: AsyncIterable<string>): AsyncGenerator<SourceRow> {
  let header: string[] | undefined;
  let row = 0;
  for await (const { fields, malformed } of csvRows(stream)) {
    row += 1;
    if (isEmpty(fields)) continue;
    if (header === undefined) {
      header = columnsOf(fields);
      continue;
    }
    if (malformed !== undefined) {
      yield { row, problem: malformed };
      continue;
    }
    if (fields.length !== header.length) {
      yield { row, problem: `has ${fields.length} fields where the header has ${header.length}` };
      continue;
    }
    // No prototype: a column named like an Object member (`constructor`) is a column like any other.
    const record: Record<string, string> = Object.create(null) as Record<string, string>;
    for (let i = 0; i < header.length; i += 1) record[header[i] as string] = fields[i] as string;
    yield { row, record };
  }
}

/** One JSON object per line; scalar values are read as text, null as missing. */
async function* ndjsonRecords(text: AsyncIterable<string>): AsyncGenerator<SourceRow> {
  let row = 0;
  for await (const read of createInterface({ input: Readable.from(text), crlfDelay: Infinity })) {
    row += 1;
    const line = row === 1 && read.charCodeAt(0) === 0xfeff ? read.slice(1) : read;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      yield { row, problem: `is not JSON (${(error as Error).message})` };
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      yield { row, problem: 'is not a JSON object' };
      continue;
    }
    const record: Record<string, string> = Object.create(null) as Record<string, string>;
    const nested: string[] = [];
    const imprecise: string[] = [];
    for (const [key, value] of Object.entries(parsed)) {
      if (value === null) record[key] = '';
      else if (typeof value === 'object') nested.push(key);
      // JSON.parse already rounded a whole number this large: two references could read as one.
      else if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) imprecise.push(key);
      else record[key] = String(value);
    }
    if (nested.length > 0) yield { row, problem: `has nested values in ${nested.join(', ')} (only text, numbers and booleans map to fields)` };
    else if (imprecise.length > 0) yield { row, problem: `has numbers too large to read exactly in ${imprecise.join(', ')} (write them as strings)` };
    else yield { row, record };
  }
}

/** The rows of a source file, streamed; `bytesRead` says how far it has got (for progress). */
export const sourceRows = (file: string, format: SourceFormat): { rows: AsyncGenerator<SourceRow>; bytesRead: () => number } => {
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  const text = utf8Text(stream);
  return { rows: format === 'csv' ? csvRecords(text) : ndjsonRecords(text), bytesRead: () => stream.bytesRead };
};
