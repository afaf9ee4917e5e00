import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@redress/event-store';
import { signToken } from '@redress/platform';
import { LEASES, PROJECTIONS, ProjectionCatalog, SqliteDocumentStore, type LeaseRecord } from '@redress/projections';

const SECRET = 'shutdown-secret-shutdown-secret-0123';
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** A built Redress process (`dist/apps/<app>/src/main.js`, or as `npm start` runs the api), started and answering `/health`. */
const startBuilt = async (app: 'api' | 'projector', env: Record<string, string>, [command, args]: [string, string[]] = [process.execPath, [`dist/apps/${app}/src/main.js`]]) => {
  const port = await freePort();
  const child = spawn(command, args, {
    env: { ...process.env, PORT: String(port), JWT_SECRET: SECRET, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; !(await fetch(`${url}/health`).then((r) => r.ok, () => false)); attempt += 1) {
    if (attempt > 600) throw new Error(`the ${app} did not start: ${output.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, output, exited };
};

/** Processes started with this DATA_DIR (Linux): what a stop that did not reach the api leaves behind. */
const startedWith = (dataDir: string): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`DATA_DIR=${dataDir}`);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);

/** Runs `use` with a fresh DATA_DIR; then kills whatever still runs with it (a failed stop would hold jest open) and removes it. */
const withDataDir = async (prefix: string, use: (dataDir: string) => Promise<void>): Promise<void> => {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await use(dataDir);
  } finally {
    for (const pid of startedWith(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
};

describe('graceful shutdown', () => {
  // The api as `npm start` runs it: built (Nest's injection needs the decorator metadata tsc emits), in its own process.
  beforeAll(() => new Promise<void>((resolve, reject) => execFile('npm', ['run', 'build', '--silent'], (error) => (error ? reject(error) : resolve()))), 180_000);

  it('on SIGTERM refuses new requests, finishes those in flight, checkpoints every projection at the head, and exits 0', async () => {
    await withDataDir('redress-shutdown-', async (dataDir) => {
      const { child, url, output, exited } = await startBuilt('api', { DATA_DIR: dataDir });
      const token = signToken({ sub: 'ines', role: 'intake' }, SECRET, new Date(), 3600);
      // Commands in flight when the signal comes, and more arriving after it.
      const send = (i: number) =>
        fetch(`${url}/complaints`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ channel: 'web', complainant: { name: 'Lin' }, subject: `Shutdown ${i}`, content: 'c' }),
        }).then(
          async (response) => ({ status: response.status, body: (await response.json()) as { id?: string; code?: string } }),
          () => ({ status: 0, body: {} as { id?: string; code?: string } }),
        );
      const first = Array.from({ length: 30 }, (_, i) => send(i));
      // Once the first has been answered the rest are in the server's hands.
      await first[0];
      child.kill('SIGTERM');
      const later = Array.from({ length: 10 }, (_, i) => send(100 + i));
      const answers = await Promise.all([...first, ...later]);
      expect(await exited).toBe(0);
      expect(output.text).toContain('redress api stopped');
      // Every answer is a creation or a refusal: nothing half-done.
      for (const answer of answers) expect([201, 503, 0]).toContain(answer.status);
      // Refused: 503 SHUTTING_DOWN while draining, Fastify's own 503 once it closes, then no connection at all.
      expect(answers.filter((a) => a.status === 503).every((a) => a.body.code === 'SHUTTING_DOWN' || a.body.code === undefined)).toBe(true);
      const created = answers.filter((a) => a.status === 201).map((a) => a.body.id as string);
      expect(created.length).toBeGreaterThan(0);
      const store = new SqliteEventStore({ file: join(dataDir, 'events.db') });
      const documents = new SqliteDocumentStore(join(dataDir, 'read-models.db'));
      try {
        for (const id of created) expect((await store.readStream(`complaint-${id}`)).map((e) => e.type)).toEqual(['ComplaintReceived']);
        const head = await store.headPosition();
        const catalog = new ProjectionCatalog(store, documents, PROJECTIONS);
        for (const projection of PROJECTIONS) expect({ name: projection.name, position: (await catalog.active(projection.name))?.position }).toEqual({ name: projection.name, position: head });
      } finally {
        await documents.close();
        await store.close();
      }
    });
  });

  it('`npm start` passes SIGTERM on to the api, which stops, rather than leaving it serving with no parent', async () => {
    await withDataDir('redress-npm-start-', async (dataDir) => {
      // What a process manager signals is npm; --ignore-scripts skips the build `prestart` does (beforeAll built it).
      const { child, output, exited } = await startBuilt('api', { DATA_DIR: dataDir }, ['npm', ['start', '--ignore-scripts', '--silent']]);
      child.kill('SIGTERM');
      await exited;
      for (let attempt = 0; startedWith(dataDir).length > 0 && attempt < 100; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(startedWith(dataDir)).toEqual([]);
      expect(output.text).toContain('redress api stopped');
    });
  });

  it('stops on SIGTERM when nobody reads its log any more (a log shipper gone: EPIPE)', async () => {
    await withDataDir('redress-no-reader-', async (dataDir) => {
      const { child, exited } = await startBuilt('api', { DATA_DIR: dataDir });
      child.stdout.destroy();
      child.kill('SIGTERM');
      expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000))])).toBe(0);
    });
  });

  it('a projector on SIGTERM applies what was written, checkpoints, hands its leases on, and exits 0', async () => {
    await withDataDir('redress-projector-stop-', async (dataDir) => {
      const api = await startBuilt('api', { DATA_DIR: dataDir, PROJECTOR: 'separate' });
      const projector = await startBuilt('projector', { DATA_DIR: dataDir });
      const token = signToken({ sub: 'ines', role: 'intake' }, SECRET, new Date(), 3600);
      for (let i = 0; i < 40; i += 1) {
        const reply = await fetch(`${api.url}/complaints`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ channel: 'web', complainant: { name: 'Lin' }, subject: `Projected ${i}`, content: 'c' }),
        });
        expect(reply.status).toBe(201);
      }
      projector.child.kill('SIGTERM');
      expect(await projector.exited).toBe(0);
      expect(projector.output.text).toContain('redress projector stopped');
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
      const store = new SqliteEventStore({ file: join(dataDir, 'events.db') });
      const documents = new SqliteDocumentStore(join(dataDir, 'read-models.db'));
      try {
        const head = await store.headPosition();
        const catalog = new ProjectionCatalog(store, documents, PROJECTIONS);
        for (const projection of PROJECTIONS) expect({ name: projection.name, position: (await catalog.active(projection.name))?.position }).toEqual({ name: projection.name, position: head });
        // Released, not left to expire: a standby takes over at once.
        const leases = (await documents.collection<LeaseRecord>(LEASES).find({}, { limit: 100 })).items;
        expect(leases.map((lease) => [lease._id, lease.expiresAt]).sort()).toEqual([...PROJECTIONS.map((p) => [`projection:${p.name}`, 0]), ['sla-scheduler', 0]].sort());
      } finally {
        await documents.close();
        await store.close();
      }
    });
  });
});
