import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@redress/event-store';
import { signToken } from '@redress/platform';
import { PROJECTIONS, ProjectionCatalog, SqliteDocumentStore } from '@redress/projections';

const SECRET = 'shutdown-secret-shutdown-secret-0123';
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

describe('graceful shutdown', () => {
  // The api as `npm start` runs it: built (Nest's injection needs the decorator metadata tsc emits), in its own process.
  beforeAll(() => new Promise<void>((resolve, reject) => execFile('npm', ['run', 'build', '--silent'], (error) => (error ? reject(error) : resolve()))), 180_000);

  it('on SIGTERM refuses new requests, finishes those in flight, checkpoints every projection at the head, and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redress-shutdown-'));
    try {
      const port = await freePort();
      const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
        env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, JWT_SECRET: SECRET, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const url = `http://127.0.0.1:${port}`;
      for (let attempt = 0; !(await fetch(`${url}/health`).then((r) => r.ok, () => false)); attempt += 1) {
        if (attempt > 600) throw new Error(`the api did not start: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
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
      expect(output).toContain('redress api stopped');
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
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
