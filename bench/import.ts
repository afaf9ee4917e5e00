import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORIES, DEPARTMENTS, benchEnv, built, pick, residentMiB } from './complaint-log';
import { figure, type Figure } from './report';

const EXAMPLE_MAPPING = join(__dirname, '..', 'examples', 'legacy-mapping.json');
const HEADER = 'Ticket No,Opened,Source,Customer,Phone,Customer Type,Customer ID,Title,Description,Product,Region,Type,Priority,Dept,Owner,Result,Closed,Resolution';
const CATEGORY_WORDS: Record<string, string> = { product_quality: 'Quality', service_attitude: 'Attitude', billing: 'Billing', logistics: 'Delivery', privacy: 'Privacy', other: 'other' };
const pad = (n: number) => String(n).padStart(2, '0');
/** The example's local time format (YYYY-MM-DD HH:mm), `hours` after 2019-01-01 00:00. */
const local = (hours: number) => {
  const at = new Date(Date.UTC(2019, 0, 1) + hours * 3_600_000);
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
};

/** Row `n` of a legacy helpdesk export in the example's shape: four in five closed, every tenth with a quoted field. */
const row = (n: number): string => {
  const opened = (n * 7919) % (5 * 365 * 24);
  const closed = n % 5 !== 0;
  const category = pick(CATEGORIES, n, 7);
  const description = n % 10 === 0 ? `"Customer wrote: ""order ${n * 13} late, twice"", see ticket"` : `Order ${n * 13} reported with the dates involved`;
  return [
    `BENCH-${n}`,
    local(opened),
    pick(['Phone', 'E-mail', 'Web form', 'Walk-in', '微信'], n, 1),
    `Customer ${n}`,
    `138${String(n).padStart(8, '0')}`,
    pick(['Retail', 'Corporate', 'VIP'], n, 2),
    `C-${n % 40_000}`,
    pick(['Parcel arrived late', 'Charged twice for one order', 'Rude staff at the counter', 'Kettle broke in a week'], n, 3),
    description,
    pick(['express', 'kettle', 'broadband', 'insurance'], n, 4),
    pick(['east', 'north', 'south', 'west'], n, 5),
    CATEGORY_WORDS[category],
    pick(['P1', 'P2', 'P3', 'P4'], n, 8),
    pick(DEPARTMENTS, n, 6),
    `h-${n % 60}`,
    closed ? pick(['Fixed', 'Partly fixed', 'Not fixed'], n, 11) : '',
    closed ? local(opened + 24 + (n % 300)) : '',
    closed ? pick(['Refunded the double charge', 'Replaced the kettle', 'Courier retrained'], n, 12) : '',
  ].join(',');
};

const writeCsv = async (file: string, rows: number): Promise<void> => {
  const out = createWriteStream(file);
  out.write(`${HEADER}\n`);
  for (let n = 1; n <= rows; n += 1) if (!out.write(`${row(n)}\n`)) await once(out, 'drain');
  await new Promise((resolve) => out.end(resolve));
};

interface ImportRun {
  readonly rowsPerSecond: number;
  readonly peakMiB: number;
  /**
   * The least RSS seen while the import read its second quarter of the file,
   * and its last quarter: what the process holds after its collections, once
   * it has warmed up. NaN for a run too short to say.
   */
  readonly floorMiB: { readonly second: number; readonly last: number };
  readonly imported: number;
}

/** `npm run cli -- import` as a user runs it (the built CLI, its own process, V8's default young generation, durable writes), on a fresh store. */
const importRows = async (rows: number, log: (line: string) => void): Promise<ImportRun> => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-import-'));
  try {
    const file = join(dir, 'export.csv');
    await writeCsv(file, rows);
    const child = spawn(process.execPath, [built('cli'), 'import', '--file', file, '--mapping', EXAMPLE_MAPPING], { env: benchEnv(join(dir, 'data')), stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid as number;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    let stdout = '';
    child.stdout.on('data', (text: string) => (stdout += text));
    let peakMiB = 0;
    const floors = { second: Number.POSITIVE_INFINITY, last: Number.POSITIVE_INFINITY };
    // Its progress lines (stderr, one every five seconds) say how much of the file it has read. The RSS samples
    // between two lines count for the part of the file the first one names, once the second shows it was still
    // reading: after its last line it drains, closes and checkpoints, and its RSS falls.
    let sinceLine = { percent: 0, least: Number.POSITIVE_INFINITY };
    const countSinceLine = (): void => {
      if (sinceLine.percent >= 25 && sinceLine.percent < 50) floors.second = Math.min(floors.second, sinceLine.least);
      if (sinceLine.percent >= 75) floors.last = Math.min(floors.last, sinceLine.least);
    };
    child.stderr.on('data', (text: string) => {
      process.stderr.write(text);
      for (const match of text.matchAll(/\((\d+)% of the file\)/g)) {
        countSinceLine();
        sinceLine = { percent: Number(match[1]), least: Number.POSITIVE_INFINITY };
      }
    });
    const sampler = setInterval(() => {
      try {
        peakMiB = Math.max(peakMiB, residentMiB(pid, 'peak'));
        const now = residentMiB(pid, 'now');
        // An exited process not yet reaped has no resident set to read.
        if (now > 0) sinceLine.least = Math.min(sinceLine.least, now);
      } catch {
        // It has just exited: its peak was read at the last tick.
      }
    }, 100);
    const [code] = (await once(child, 'close')) as [number];
    clearInterval(sampler);
    if (code !== 0) throw new Error(`import exited ${code}: ${stdout}`);
    const imported = Number(/imported: (\d+) complaints/.exec(stdout)?.[1]);
    const rowsPerSecond = Number(/, (\d+) rows\/s/.exec(stdout)?.[1]);
    log(`${rows.toLocaleString()} rows: ${imported.toLocaleString()} imported, ${rowsPerSecond.toLocaleString()} rows/s, peak RSS ${peakMiB.toFixed(0)} MiB`);
    const floorMiB = {
      second: Number.isFinite(floors.second) ? floors.second : Number.NaN,
      last: Number.isFinite(floors.last) ? floors.last : Number.NaN,
    };
    return { rowsPerSecond, peakMiB, floorMiB, imported };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const SMALL = 10_000;
const LARGE = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);

export const importBenchmark = async (log: (line: string) => void): Promise<Figure[]> => {
  const small = await importRows(SMALL, log);
  const large = await importRows(LARGE, log);
  return [
    figure(`import rows/s (${LARGE.toLocaleString()} rows, durable)`, large.rowsPerSecond, 'rows/s', '>= 5000'),
    figure(`import rows/s (${SMALL.toLocaleString()} rows)`, small.rowsPerSecond, 'rows/s', 'reference'),
    figure(`peak RSS, ${SMALL.toLocaleString()} rows`, small.peakMiB, 'MiB', 'reference'),
    figure(`peak RSS, ${LARGE.toLocaleString()} rows`, large.peakMiB, 'MiB', 'reference'),
    // Flat: what the process holds after its collections does not grow as it reads on. (Its peaks swing with V8's
    // heap limits, ±10 % between one part of a run and another. And the small file's import ends within two seconds,
    // before those limits settle, so the growth from it to the large one is a reference: it measures V8 warming up.)
    figure(`RSS floor growth over the ${LARGE.toLocaleString()}-row import, last quarter over second`, large.floorMiB.last / large.floorMiB.second, 'x', '< 1.1'),
    figure(`peak RSS growth ${SMALL.toLocaleString()} → ${LARGE.toLocaleString()} rows`, large.peakMiB / small.peakMiB, 'x', 'reference'),
    figure('rows imported (all valid)', large.imported, 'rows', `>= ${LARGE}`),
  ];
};
