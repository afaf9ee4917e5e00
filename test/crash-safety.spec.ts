import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore, verifyLog } from '@redress/event-store';

/** Starts the appender, waits for `acks` acknowledged appends, then SIGKILLs it mid-load. */
const appendThenKill = (file: string, round: number, acks: number): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/appender.ts', file, '16', String(round)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      acknowledged.push(line);
      if (acknowledged.length === acks) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acknowledged);
      else reject(new Error(`appender exited by itself (${_code})`));
    });
  });

describe('crash safety', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'redress-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged append, whole, across repeated SIGKILLs under load', async () => {
    const file = join(dir, 'events.db');
    const acknowledged: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      acknowledged.push(...(await appendThenKill(file, round, 1500)));

      const store = new SqliteEventStore({ file });
      const events = [];
      for (let after = 0; ; ) {
        const page = await store.readAll({ after, maxCount: 5000 });
        events.push(...page);
        if (page.length < 5000) break;
        after = page[page.length - 1]!.position;
      }
      const batches = new Map<string, string[]>();
      for (const e of events) batches.set(`${e.streamName} ${String(e.data.batch)}`, [...(batches.get(`${e.streamName} ${String(e.data.batch)}`) ?? []), e.type]);

      // Every acknowledged append is there; every append that is there is whole.
      for (const ack of acknowledged) expect(batches.get(ack)).toEqual(['Half1', 'Half2']);
      for (const halves of batches.values()) expect(halves).toEqual(['Half1', 'Half2']);
      expect(batches.size).toBeGreaterThanOrEqual(acknowledged.length);
      expect((await verifyLog(store)).firstBreak).toBeUndefined();
      expect(store.checkContinuity()).toBeUndefined();
      await store.close();
    }
  });
});
