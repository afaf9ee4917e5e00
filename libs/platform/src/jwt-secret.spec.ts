import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveJwtSecret } from './jwt-secret';

/** Starters released at the same instant (a spin on shared memory), each resolving the secret of one DATA_DIR in its own thread. */
const startTogether = (dataDir: string, starters: number): Promise<string[]> => {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const script = `
    require(${JSON.stringify(require.resolve('tsx/cjs'))});
    const { parentPort, workerData } = require('node:worker_threads');
    const { resolveJwtSecret } = require(${JSON.stringify(join(__dirname, 'jwt-secret.ts'))});
    Atomics.add(workerData.gate, 0, 1);
    while (Atomics.load(workerData.gate, 0) < workerData.starters) {}
    try { parentPort.postMessage(resolveJwtSecret({ jwtSecret: undefined, dataDir: workerData.dataDir })); }
    catch (error) { parentPort.postMessage('failed: ' + error.message); }`;
  return Promise.all(
    Array.from({ length: starters }, () => new Promise<string>((resolve, reject) => new Worker(script, { eval: true, workerData: { gate, starters, dataDir } }).once('message', resolve).once('error', reject))),
  );
};

describe('the generated signing secret (embedded mode)', () => {
  const root = mkdtempSync(join(tmpdir(), 'redress-jwt-secret-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is made once and kept, with nothing else left in DATA_DIR', () => {
    const dataDir = join(root, 'once');
    const secret = resolveJwtSecret({ jwtSecret: undefined, dataDir });
    expect(secret).toMatch(/^[\w-]{64}$/);
    expect(resolveJwtSecret({ jwtSecret: undefined, dataDir })).toBe(secret);
    expect(readdirSync(dataDir)).toEqual(['jwt-secret']);
  });

  it('is the same whole secret for processes starting together (an api and a projector on one DATA_DIR)', async () => {
    // Before: the file was created empty and then written, and a starter reading in between refused to start (~3 % of such races).
    for (let run = 0; run < 30; run += 1) {
      const dataDir = join(root, `race-${run}`);
      const secrets = await startTogether(dataDir, 2);
      expect(secrets[0]).toMatch(/^[\w-]{64}$/);
      expect(secrets[1]).toBe(secrets[0]);
      expect(readdirSync(dataDir)).toEqual(['jwt-secret']);
    }
  }, 60_000);
});
