import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreUnavailableError, SqliteEventStore, verifyLog } from '@redress/event-store';
import { startApi, type RunningApi } from './support/api';
import { captureLogs } from './support/logs';

/** A filesystem of `megabytes` at a new directory, or why there cannot be one here. */
const smallFilesystem = (megabytes: number): { dir: string } | { skipped: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `mounting a ${megabytes} MiB tmpfs failed (${(error as Error).message.split('\n')[0]}); it needs root` };
  }
};

const COMPLAINT = { channel: 'web', complainant: { name: 'Li Na' }, subject: 'Refund never arrived', content: 'I returned the kettle a month ago and the refund has not arrived. '.repeat(20) };

const filesystem = smallFilesystem(8);
const describeWithSpace = 'dir' in filesystem ? describe : describe.skip;
if ('skipped' in filesystem) process.stdout.write(`SKIPPED: disk-full test — ${filesystem.skipped}\n`);

/**
 * A real full disk: the data directory on an 8 MiB tmpfs, filled by a file
 * until the next commit cannot be written. Commands then fail with 503 and a
 * clear error, what was acknowledged stays readable and whole, and the api
 * takes commands again once space returns — without a restart.
 */
describeWithSpace('a full disk', () => {
  const dataDir = 'dir' in filesystem ? filesystem.dir : '';
  let api: RunningApi | undefined;
  afterAll(async () => {
    // Stopped here when an assertion failed first: an open file keeps the mount busy.
    await api?.stop();
    execFileSync('umount', [dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses commands with 503 STORE_UNAVAILABLE, loses nothing acknowledged, and resumes when space returns', async () => {
    // Errors the api logs (a 500 would be one), to show if an assertion fails.
    const logs = captureLogs();
    api = await startApi({ dataDir, env: { INTAKE_RATE_LIMIT: '0', LOG_LEVEL: 'error' }, logs: logs.stream });
    const running = api;
    const intake = running.as('intake');
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i += 1) acknowledged.push((await intake.post('/complaints', COMPLAINT)).body.id);

    // Leave the store almost no room, then write until a commit does not fit.
    const filler = join(dataDir, 'filler');
    const free = Number(execFileSync('df', ['--output=avail', '-B1', dataDir]).toString().split('\n')[1]);
    writeFileSync(filler, Buffer.alloc(Math.max(0, free - 64 * 1024)));
    let refused: { status: number; body: { code: string; message: string } } | undefined;
    for (let i = 0; i < 500 && !refused; i += 1) {
      const reply = await intake.post('/complaints', COMPLAINT);
      if (reply.status === 201) acknowledged.push(reply.body.id);
      else refused = reply;
    }
    if (refused?.status !== 503) throw new Error(`refused with ${JSON.stringify(refused)}; the api logged:\n${logs.text()}`);
    expect(refused?.body.code).toBe('STORE_UNAVAILABLE');
    expect(refused?.body.message).toMatch(/cannot write/);

    // Reads go on, and every acknowledged case is there and whole.
    for (const id of acknowledged) {
      const verified = await running.as('auditor').get(`/complaints/${id}/verify`);
      expect(verified.body).toMatchObject({ ok: true });
    }

    unlinkSync(filler);
    const after = await intake.post('/complaints', COMPLAINT);
    expect(after.status).toBe(201);
    acknowledged.push(after.body.id);
    // The projections, which could not write their read models meanwhile either, catch up.
    const view = await running.as('auditor').get(`/cases/${after.body.id}`, { 'x-min-position': String(after.body.position) });
    expect(view.status).toBe(200);
    await api.stop();
    api = undefined;

    // Opened afresh, the log holds every acknowledged case, its chains verify and its positions are dense.
    const store = new SqliteEventStore({ file: join(dataDir, 'events.db') });
    try {
      const received = (await store.readAll({ maxCount: 10_000 })).filter((event) => event.type === 'ComplaintReceived').map((event) => event.streamName);
      expect(received).toEqual(acknowledged.map((id) => `complaint-${id}`));
      expect((await verifyLog(store)).firstBreak).toBeUndefined();
      expect(store.checkContinuity()).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('refuses appends that do not fit with EventStoreUnavailableError, and takes the next once space returns', async () => {
    const store = new SqliteEventStore({ file: join(dataDir, 'direct.db') });
    const filler = join(dataDir, 'filler');
    try {
      const free = Number(execFileSync('df', ['--output=avail', '-B1', dataDir]).toString().split('\n')[1]);
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - 256 * 1024)));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => store.appendToStream(`big-${i}`, [{ id: randomUUID(), type: 'Big', data: { blob: 'x'.repeat(48 * 1024) }, metadata: {} }], 'no_stream')),
      );
      const refusals = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as Error] : []));
      expect(refusals.length).toBeGreaterThan(0);
      expect(refusals.filter((error) => !(error instanceof EventStoreUnavailableError)).map((error) => error.message)).toEqual([]);
      unlinkSync(filler);
      await expect(store.appendToStream('after', [{ id: randomUUID(), type: 'Fits', data: {}, metadata: {} }])).resolves.toMatchObject({ nextExpectedRevision: 0 });
    } finally {
      rmSync(filler, { force: true });
      await store.close();
    }
  });
});
