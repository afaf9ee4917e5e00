import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SourceFileError, UnterminatedQuoteError, csvHeader, csvRows, sourceRows, type SourceRow } from './records';

/** Runs `use` on an export.csv holding `text`, in a directory removed afterwards. */
const inCsvFile = async (text: string, use: (file: string) => Promise<void>): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-records-'));
  try {
    const file = join(dir, 'export.csv');
    writeFileSync(file, text);
    await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Every row of a CSV file as the import reads it. */
const rowsOf = async (file: string): Promise<SourceRow[]> => {
  const rows: SourceRow[] = [];
  for await (const row of sourceRows(file, 'csv').rows) rows.push(row);
  return rows;
};

const collect = async (chunks: string[]) => {
  const rows: string[][] = [];
  for await (const row of csvRows((async function* () {
    yield* chunks;
  })())) {
    // What RFC 4180 writes is never malformed.
    expect(row.malformed).toBeUndefined();
    rows.push(row.fields);
  }
  return rows;
};
/** RFC 4180 writing: quote a field that holds a quote, a comma or a line break, doubling its quotes. */
const encode = (rows: string[][], eol: string) => rows.map((row) => row.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')).join(eol) + eol;
/** The text cut at arbitrary places, as a stream delivers it. */
const cut = (text: string, at: number[]) => {
  const points = [...new Set(at.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  return [...points, text.length].map((end, i) => text.slice(i === 0 ? 0 : points[i - 1], end));
};

describe('csvRows (streaming CSV)', () => {
  it('reads back whatever RFC 4180 wrote, however the text is cut into chunks', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', '中', '😀') });
    // A row of one empty field is written as a blank line, which reads back as a row without fields: each row here has a non-empty field.
    const row = fc.array(field, { minLength: 1, maxLength: 5 }).filter((r) => r.some((f) => f !== ''));
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.array(fc.nat(), { maxLength: 6 }), async (rows, eol, at) => {
        expect(await collect(cut(encode(rows, eol), at))).toEqual(rows);
      }),
    );
  });

  it('drops a byte-order mark, gives a blank line as a row without fields, and keeps a last row without a line break and empty fields', async () => {
    expect(await collect(['\uFEFFa,b\r\n', '\r\n', '1,\n\n', ',"x""y"\n', '"last', ' row",'])).toEqual([
      ['a', 'b'],
      [],
      ['1', ''],
      [],
      ['', 'x"y'],
      ['last row', ''],
    ]);
  });

  it('reads a quote inside an unquoted value as a character, and refuses a file that ends inside a quoted field', async () => {
    expect(await collect(['a,5" screen,"b"\n', 'x"y",z\n'])).toEqual([
      ['a', '5" screen', 'b'],
      ['x"y"', 'z'],
    ]);
    await expect(collect(['a,"never closed\n', 'b,c\n'])).rejects.toThrow(UnterminatedQuoteError);
    // Nor does one never closed gather the rest of a large file into memory: it stops past a million characters.
    await expect(collect(['a,"never closed\n', ...Array.from({ length: 20 }, () => `${'x'.repeat(99_999)}\n`)])).rejects.toThrow(/runs over 1,000,000 characters \(to line 12\)/);
  });

  it('marks a row whose closing quote has text after it, instead of joining the lines up to the next quote into one field', async () => {
    const rows = [];
    for await (const row of csvRows((async function* () {
      yield 'a,b\n1,"x\n2,y\n3,5" z\n';
      yield '4,w\n"ok"\n';
    })())) rows.push(row);
    expect(rows).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', 'x\n2,y\n3,5 z'], line: 2, malformed: 'has text after the closing quote of field 2: a quote is stray or missing (the row runs over lines 2–4 of the file)' },
      { fields: ['4', 'w'], line: 5 },
      { fields: ['ok'], line: 6 },
    ]);
  });

  it('numbers records as a spreadsheet shows them: blank lines and the header count, a line break inside quotes does not', async () => {
    await inCsvFile('Ref,Text\nT-1,"two\nlines"\n\nT-2,x\nT-3\n', async (file) => {
      // Before: T-2 was numbered 3, one above where the spreadsheet shows it.
      expect(await rowsOf(file)).toEqual([
        { row: 2, record: { Ref: 'T-1', Text: 'two\nlines' } },
        { row: 4, record: { Ref: 'T-2', Text: 'x' } },
        { row: 5, problem: 'has 1 fields where the header has 2' },
      ]);
    });
  });

  it('rejects a malformed row, skips rows of empty fields, reads a column named like an Object member, and refuses a header naming a column twice', async () => {
    await inCsvFile('Ref,constructor\nT-1,"a" b\n,,\nT-2,x\n', async (file) => {
      expect(await rowsOf(file)).toEqual([
        { row: 2, problem: expect.stringMatching(/^has text after the closing quote of field 2/) },
        { row: 4, record: Object.assign(Object.create(null), { Ref: 'T-2', constructor: 'x' }) },
      ]);
      expect(await csvHeader(file)).toEqual(['Ref', 'constructor']);
      // Columns without a name, as spreadsheets export them at the end, are not a name given twice.
      writeFileSync(file, 'Ref,Text,,\nT-1,x,,\n');
      expect(await csvHeader(file)).toEqual(['Ref', 'Text', '', '']);
      writeFileSync(file, '\n Ref ,Date,Date\nT-1,x,y\n');
      await expect(csvHeader(file)).rejects.toThrow(new SourceFileError('the header names "Date" more than once'));
      await expect(rowsOf(file)).rejects.toThrow(SourceFileError);
    });
  });

  it('reads UTF-8 whatever chunk a character is split across, and refuses a file in another encoding rather than import it garbled', async () => {
    // 质 (three bytes) across the 256 KiB read boundary: one byte before it, two after.
    const padding = 'x'.repeat(256 * 1024 - 'Ref,Text\nT-1,'.length - 1);
    await inCsvFile(`Ref,Text\nT-1,${padding}质量\n`, async (file) => {
      expect(await rowsOf(file)).toEqual([{ row: 2, record: Object.assign(Object.create(null), { Ref: 'T-1', Text: `${padding}质量` }) }]);
      // 王芳 in GBK, as Excel on a Chinese Windows saves a CSV: before, it read as replacement characters, for good.
      writeFileSync(file, Buffer.concat([Buffer.from('Ref,Name\nT-1,'), Buffer.from([0xcd, 0xf5, 0xb7, 0xbc]), Buffer.from('\n')]));
      await expect(rowsOf(file)).rejects.toThrow(/^the file is not UTF-8 \(bytes 0–18 hold a sequence UTF-8 does not have\): save it as UTF-8/);
      await expect(csvHeader(file)).rejects.toThrow(SourceFileError);
    });
  });
});
