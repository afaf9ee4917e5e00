import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore, uuidv7, type EventToAppend, type RecordedEvent } from '@redress/event-store';
import { figure, percentile, type Figure } from './report';
import { SCHEMA } from '../libs/event-store/src/sqlite/schema';

const WRITERS = 16;
/** Appends and the raw baseline alternate in ROUNDS slices, so both see the same disk weather. */
const ROUNDS = 5;
const SLICE_SECONDS = 2;
const LOG_SIZE = 1_000_000;
const STREAM_LENGTH = 1000;

/**
 * An event shaped like a complaint intake: ~300 bytes of data plus actor
 * metadata. Stream and event ids are UUIDv7, as Redress makes them.
 */
const complaintEvent = (n: number): EventToAppend => ({
  id: uuidv7(),
  type: 'ComplaintReceived',
  data: {
    channel: 'phone',
    subject: `Parcel ${n} arrived late and damaged`,
    content: 'The courier left the parcel in the rain; the box was soaked and the contents were broken.',
    customerType: 'individual',
    product: 'express-delivery',
    region: 'east',
    amount: n % 500,
  },
  metadata: { actor: { userId: 'bench', role: 'intake' }, occurredAt: '2026-11-25T00:00:00.000Z', schemaVersion: 1 },
});

/**
 * What plain better-sqlite3 does on this disk with the same durability, the
 * same table and the same rows, as a yardstick: one insert per transaction,
 * or 16 per transaction (the most group commit can share among 16 writers).
 */
const rawSqlite = (file: string) => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, 0, ?, ?, ?, ?, ?)');
  const transaction = db.transaction((count: number) => {
    for (let i = 0; i < count; i += 1) {
      const e = complaintEvent(i);
      insert.run(`complaint-${uuidv7()}`, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), new Date().toISOString());
    }
  });
  return {
    rowsPerSecond: (rowsPerTransaction: number): number => {
      let rows = 0;
      const started = performance.now();
      while (performance.now() - started < SLICE_SECONDS * 1000) {
        transaction(rowsPerTransaction);
        rows += rowsPerTransaction;
      }
      return rows / ((performance.now() - started) / 1000);
    },
    close: () => db.close(),
  };
};

/** 16 writers each append single events to new streams for one slice. */
const concurrentAppends = async (store: SqliteEventStore): Promise<{ perSecond: number; latencies: number[] }> => {
  const latencies: number[] = [];
  const deadline = performance.now() + SLICE_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let n = 0; performance.now() < deadline; n += 1) {
        const t0 = performance.now();
        await store.appendToStream(`complaint-${uuidv7()}`, [complaintEvent(n)], 'no_stream');
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: latencies.length / seconds, latencies };
};

/** Fills the log to LOG_SIZE events in 1,000-event streams, 100 events per append. */
const fillLog = async (file: string, log: (line: string) => void): Promise<string> => {
  const store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
  const streams = LOG_SIZE / STREAM_LENGTH;
  const started = performance.now();
  for (let s = 0; s < streams; s += WRITERS) {
    await Promise.all(
      Array.from({ length: Math.min(WRITERS, streams - s) }, async (_, w) => {
        const stream = `complaint-fill-${s + w}`;
        for (let r = 0; r < STREAM_LENGTH; r += 100) {
          await store.appendToStream(stream, Array.from({ length: 100 }, (_, i) => complaintEvent(r + i)), r === 0 ? 'no_stream' : r - 1);
        }
      }),
    );
  }
  log(`  filled ${LOG_SIZE.toLocaleString('en')} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await store.close();
  return 'complaint-fill-0';
};

/** The fold a command handler does: replay a stream into a state. */
const fold = (events: readonly RecordedEvent[]) =>
  events.reduce((state, e) => ({ revision: e.revision, total: state.total + Number(e.data.amount ?? 0), last: e.type }), { revision: -1, total: 0, last: '' });

export const eventStoreBenchmark = async (log: (line: string) => void): Promise<Figure[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-'));
  try {
    log('event-store benchmark (embedded sqlite, synchronous=FULL unless noted)');
    const raw = rawSqlite(join(dir, 'raw.db'));
    const store = new SqliteEventStore({ file: join(dir, 'appends.db') });
    await concurrentAppends(store); // warm-up: JIT, page cache, WAL file growth
    const oneRow: number[] = [];
    const sixteenRows: number[] = [];
    const appendRates: number[] = [];
    const latencies: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      oneRow.push(raw.rowsPerSecond(1));
      sixteenRows.push(raw.rowsPerSecond(WRITERS));
      const slice = await concurrentAppends(store);
      appendRates.push(slice.perSecond);
      latencies.push(...slice.latencies);
    }
    raw.close();
    await store.close();
    const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
    latencies.sort((a, b) => a - b);
    log(`  appends/s per round: ${appendRates.map(Math.round).join(', ')}; raw 16-row rows/s per round: ${sixteenRows.map(Math.round).join(', ')}`);

    const file = join(dir, 'log.db');
    const stream = await fillLog(file, log);
    const reader = new SqliteEventStore({ file });
    let read = 0;
    const readStarted = performance.now();
    for (let after = 0; ; ) {
      const page = await reader.readAll({ after, maxCount: 1000 });
      read += page.length;
      if (page.length < 1000) break;
      after = (page[page.length - 1] as RecordedEvent).position;
    }
    const readSeconds = (performance.now() - readStarted) / 1000;

    const foldTimes: number[] = [];
    for (let i = 0; i < 220; i += 1) {
      const t0 = performance.now();
      const state = fold(await reader.readStream(stream));
      if (state.revision !== STREAM_LENGTH - 1) throw new Error(`folded to revision ${state.revision}`);
      if (i >= 20) foldTimes.push(performance.now() - t0);
    }
    foldTimes.sort((a, b) => a - b);
    await reader.close();

    return [
      figure('baseline: raw sqlite, 1 row per transaction', median(oneRow), 'rows/s', 'reference'),
      figure('baseline: raw sqlite, 16 rows per transaction', median(sixteenRows), 'rows/s', 'reference'),
      figure('appends/s, 16 writers, distinct streams', median(appendRates), 'appends/s', '>= 15000'),
      figure('appends/s as a share of the raw 16-row baseline', median(appendRates) / median(sixteenRows), 'ratio', 'reference'),
      figure('append latency p50', percentile(latencies, 50), 'ms', '< 10'),
      figure('append latency p99', percentile(latencies, 99), 'ms', '< 10'),
      figure(`readAll from 0 over ${read.toLocaleString('en')} events`, read / readSeconds, 'events/s', '>= 150000'),
      figure('read + fold 1,000-event stream p50', percentile(foldTimes, 50), 'ms', '< 5'),
      figure('read + fold 1,000-event stream p99', percentile(foldTimes, 99), 'ms', 'reference'),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
