import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@redress/event-store';
import { loadConfig, openEventStore } from '@redress/platform';
import { runCli } from '../apps/cli/src/cli';

const run = async (dataDir: string, ...args: string[]) => {
  const lines: string[] = [];
  const code = await runCli(args, { DATA_DIR: dataDir }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, output: lines.join('\n') };
};

describe('npm run cli -- verify', () => {
  let pristine: string;
  let dataDir: string;

  beforeAll(async () => {
    pristine = mkdtempSync(join(tmpdir(), 'redress-verify-'));
    const store = new SqliteEventStore({ file: join(pristine, 'events.db') });
    // positions: a:1-3, b:4-5, a:6, c:7
    const e = (type: string, data: Record<string, string | number> = {}) => ({ id: randomUUID(), type, data, metadata: { actor: 'u-1' } });
    await store.appendToStream('complaint-a', [e('Received', { amount: 10 }), e('Acknowledged'), e('Classified', { severity: 'high' })]);
    await store.appendToStream('complaint-b', [e('Received', { amount: 20 }), e('Acknowledged')]);
    await store.appendToStream('complaint-a', [e('Closed', { outcome: 'resolved' })]);
    await store.appendToStream('complaint-c', [e('Received', { amount: 30 })]);
    await store.close();
  });
  afterAll(() => rmSync(pristine, { recursive: true, force: true }));

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'redress-verify-'));
    copyFileSync(join(pristine, 'events.db'), join(dataDir, 'events.db'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const tamper = (sql: string): void => {
    const db = new Database(join(dataDir, 'events.db'));
    db.exec(sql);
    db.close();
  };

  it('prints OK with the count for an untouched log, and for one stream', async () => {
    expect(await run(dataDir, 'verify')).toEqual({ code: 0, output: 'OK 7 events in 3 streams; 0 sealed open with their keys, 0 erased' });
    expect(await run(dataDir, 'verify', '--stream', 'complaint-a')).toEqual({ code: 0, output: 'OK 4 events in stream complaint-a; 0 sealed open with their keys, 0 erased' });
  });

  it.each([
    ['edits an amount', `UPDATE events SET data = json_set(data, '$.amount', 999) WHERE position = 1`, 'complaint-a revision 0 (position 1): hash does not match'],
    ['edits the actor', `UPDATE events SET metadata = json_set(metadata, '$.actor', 'u-2') WHERE position = 5`, 'complaint-b revision 1 (position 5): hash does not match'],
    ['renames an event type', `UPDATE events SET type = 'Rejected' WHERE position = 6`, 'complaint-a revision 3 (position 6): hash does not match'],
    ['deletes an event in the middle of a stream', `DELETE FROM events WHERE position = 2`, 'complaint-a revision 2 (position 3): expected revision 1, found 2'],
    [
      'swaps the revisions of two events',
      `UPDATE events SET revision = -1 WHERE position = 2; UPDATE events SET revision = 1 WHERE position = 3; UPDATE events SET revision = 2 WHERE position = 2`,
      'complaint-a revision 2 (position 2): expected revision 1, found 2',
    ],
    [
      'swaps the contents of two events, keeping their places',
      `UPDATE events SET data = (SELECT data FROM events WHERE position = 3), type = (SELECT type FROM events WHERE position = 3) WHERE position = 2`,
      'complaint-a revision 1 (position 2): hash does not match',
    ],
    ['moves an event to another stream', `UPDATE events SET stream = 'complaint-b', revision = 2 WHERE position = 6`, 'complaint-b revision 2 (position 6): prevHash does not match'],
    ['recomputes nothing but forges a hash', `UPDATE events SET metadata = json_set(metadata, '$.hash', '${'f'.repeat(64)}') WHERE position = 4`, 'complaint-b revision 0 (position 4): hash does not match'],
  ])('fails when someone %s', async (_, sql, where) => {
    tamper(sql);
    const { code, output } = await run(dataDir, 'verify');
    expect(code).toBe(1);
    expect(output).toContain(`BROKEN stream ${where}`);
  });

  it('fails when the last event of a stream is deleted, also when that stream alone is verified', async () => {
    tamper(`DELETE FROM events WHERE position = 5`);
    expect(await run(dataDir, 'verify')).toEqual({ code: 1, output: 'BROKEN log: positions 1..7 hold 6 events: 1 missing' });
    expect(await run(dataDir, 'verify', '--stream', 'complaint-b')).toEqual({ code: 1, output: 'BROKEN log: positions 1..7 hold 6 events: 1 missing' });
  });

  it('fails when the last events of the log are deleted', async () => {
    tamper(`DELETE FROM events WHERE position >= 6`);
    expect(await run(dataDir, 'verify')).toEqual({
      code: 1,
      output: 'BROKEN log: the log once reached position 7 but now ends at 5: events were removed from its end',
    });
  });

  it('names the broken revision when verifying one stream', async () => {
    tamper(`UPDATE events SET data = json_set(data, '$.outcome', 'partly') WHERE position = 6`);
    expect(await run(dataDir, 'verify', '--stream', 'complaint-a')).toEqual({
      code: 1,
      output: 'BROKEN stream complaint-a revision 3 (position 6): hash does not match the event content',
    });
    expect((await run(dataDir, 'verify', '--stream', 'complaint-b')).code).toBe(0);
  });

  it('says so when the stream does not exist, and explains bad usage', async () => {
    expect(await run(dataDir, 'verify', '--stream', 'nope')).toEqual({ code: 2, output: 'no stream named nope' });
    const wrong = await run(dataDir, 'verify', '--strem', 'x');
    expect(wrong.code).toBe(2);
    expect(wrong.output).toContain("Unknown option '--strem'");
    expect((await run(dataDir, 'frobnicate')).output).toContain('unknown command "frobnicate"');
    const missing = join(dataDir, 'typo');
    expect(await run(missing, 'verify')).toEqual({ code: 2, output: `no event store at ${join(missing, 'events.db')} (check DATA_DIR)` });
    // An empty file is no log to pass: refused, and left as it was (opening a store on it would have written a schema).
    writeFileSync(join(dataDir, 'events.db'), '');
    rmSync(join(dataDir, 'events.db-wal'), { force: true });
    expect(await run(dataDir, 'verify')).toEqual({ code: 2, output: `${join(dataDir, 'events.db')} holds no event log: it is empty or not Redress's (check DATA_DIR)` });
    expect(statSync(join(dataDir, 'events.db')).size).toBe(0);
    // Nor is a file that is not SQLite's, and the message names it.
    writeFileSync(join(dataDir, 'events.db'), 'x'.repeat(4096));
    expect(await run(dataDir, 'verify')).toEqual({ code: 2, output: `${join(dataDir, 'events.db')} holds no event log: it is empty or not Redress's (check DATA_DIR)` });
    expect(() => new SqliteEventStore({ file: join(dataDir, 'events.db') })).toThrow(`${join(dataDir, 'events.db')}: file is not a database`);
  });

  it('exits non-zero from the real command line', async () => {
    tamper(`UPDATE events SET data = json_set(data, '$.amount', 1) WHERE position = 7`);
    const cli = promisify(execFile)(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'verify'], {
      env: { ...process.env, DATA_DIR: dataDir },
    });
    await expect(cli).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('BROKEN stream complaint-c revision 0') });
  });
});

describe('npm run cli -- verify, of sealed personal data', () => {
  let dataDir: string;
  const received = (complainantId: string) => ({
    id: randomUUID(),
    type: 'ComplaintReceived',
    data: { complainantId, complainant: { name: `${complainantId}'s name`, contact: '555', customerType: 'individual' }, subject: 'Late', content: 'Very late' },
    metadata: {},
  });
  const keys = (sql: string) => {
    const db = new Database(join(dataDir, 'events.db'));
    db.exec(sql);
    db.close();
  };
  const keyOf = (stream: string): string => {
    const db = new Database(join(dataDir, 'events.db'), { readonly: true });
    const envelope = db.prepare(`SELECT json_extract(data, '$._sealed') FROM events WHERE stream = ?`).pluck().get(stream) as string;
    db.close();
    return envelope.split(':')[2] as string;
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'redress-verify-sealed-'));
    const store = openEventStore(loadConfig({ DATA_DIR: dataDir }));
    await store.appendToStream('complaint-a', [received('cust-1')]);
    await store.appendToStream('complaint-b', [received('cust-2')]);
    await store.close();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('passes data that opens with its keys', async () => {
    expect(await run(dataDir, 'verify')).toEqual({ code: 0, output: 'OK 2 events in 2 streams; 2 sealed open with their keys, 0 erased' });
  });

  it('fails when a data key is gone but nobody erased its complainant: a reader would take it for an erasure', async () => {
    const keyId = keyOf('complaint-a');
    keys(`DELETE FROM data_keys WHERE subject = 'cust-1'`);
    const unreadable = `UNREADABLE stream complaint-a revision 0 (position 1): its data key ${keyId} is gone, and no erasure of cust-1 is recorded`;
    expect(await run(dataDir, 'verify')).toEqual({ code: 1, output: unreadable });
    expect(await run(dataDir, 'verify', '--stream', 'complaint-a')).toEqual({ code: 1, output: unreadable });
    expect(await run(dataDir, 'verify', '--stream', 'complaint-b')).toEqual({ code: 0, output: 'OK 1 events in stream complaint-b; 1 sealed open with their keys, 0 erased' });
  });

  it('counts every unreadable event', async () => {
    keys(`DELETE FROM data_keys`);
    expect(await run(dataDir, 'verify')).toMatchObject({ code: 1, output: expect.stringMatching(/^UNREADABLE stream complaint-a .* \(2 sealed events in all\)$/) });
  });

  it('names a key that no longer opens what it sealed (altered, or put in from elsewhere)', async () => {
    keys(`UPDATE data_keys SET key = randomblob(32) WHERE subject = 'cust-2'`);
    expect(await run(dataDir, 'verify')).toEqual({
      code: 1,
      output: `UNREADABLE stream complaint-b revision 0 (position 2): its personal data does not open with its data key ${keyOf('complaint-b')}`,
    });
  });

  it('passes an erased complainant, whose erasure the log records, on the whole log and on one stream', async () => {
    const store = openEventStore(loadConfig({ DATA_DIR: dataDir }));
    await store.appendToStream('complainant-cust-1', [{ id: randomUUID(), type: 'ComplainantDataErased', data: { complainantId: 'cust-1', reason: 'asked', complaints: [] }, metadata: {} }]);
    await store.erase('cust-1', 'e-1');
    await store.close();
    expect(await run(dataDir, 'verify')).toEqual({ code: 0, output: 'OK 3 events in 3 streams; 1 sealed open with their keys, 1 erased' });
    expect(await run(dataDir, 'verify', '--stream', 'complaint-a')).toEqual({ code: 0, output: 'OK 1 events in stream complaint-a; 0 sealed open with their keys, 1 erased' });
  });
});
