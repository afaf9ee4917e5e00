import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { externalRefComplaintId } from '@redress/platform';
import { SlaScheduler } from '../apps/api/src/sla/sla-scheduler';
import { runCommand as run } from './support/cli';
import { startApi, TEST_JWT_SECRET, type RunningApi } from './support/api';


/** What README "Bulk import" walks a new user through, on the shipped example. */
describe('bulk import of historic complaints', () => {
  let api: RunningApi;
  let env: Record<string, string>;
  const work = mkdtempSync(join(tmpdir(), 'redress-import-'));
  const rejects = join(work, 'rejects.ndjson');
  const example = ['--file', 'examples/legacy-complaints.csv', '--mapping', 'examples/legacy-mapping.json'];
  const head = async () => (await api.as('auditor').get('/events?limit=1000')).body.nextPosition as number;
  const cases = async (query = '') => {
    const reply = await api.as('analyst').get(`/cases?limit=100${query}`, { 'x-min-position': String(await head()) });
    expect(reply.status).toBe(200);
    return reply.body.items as Array<Record<string, unknown>>;
  };
  /** The case view of an imported case: its id follows from its external reference. */
  const imported = async (externalRef: string) => {
    const reply = await api.as('analyst').get(`/cases/${externalRefComplaintId(externalRef)}`, { 'x-min-position': String(await head()) });
    expect(reply.status).toBe(200);
    return reply.body as Record<string, unknown>;
  };
  let start: number;

  beforeAll(async () => {
    api = await startApi();
    env = { DATA_DIR: api.config.dataDir, JWT_SECRET: TEST_JWT_SECRET };
    start = await head();
  });
  afterAll(async () => {
    await api.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('a dry run reads and checks every row and writes nothing', async () => {
    const { code, out } = await run(env, 'import', ...example, '--dry-run');
    expect(code).toBe(0);
    expect(out).toEqual([
      'dry run: nothing written. examples/legacy-complaints.csv (source legacy-helpdesk): 15 rows read',
      '  would import: 11 complaints',
      '  already present: 0 (imported before, or received with the same external reference)',
      // A dry run cannot tell that row 16 repeats row 2's ticket: that takes the first one written.
      '  rejected: 4',
      expect.stringMatching(/^ {2}\d+\.\d s, \d+ rows\/s$/),
    ]);
    expect(await head()).toBe(start);
    // Nor does it make a store where there is none.
    const nowhere = join(work, 'no-store-here');
    const fresh = await run({ ...env, DATA_DIR: nowhere }, 'import', ...example, '--dry-run');
    expect(fresh.out[1]).toBe('  would import: 11 complaints');
    expect(existsSync(nowhere)).toBe(false);
  });

  it('imports the example while the api runs: each good row a case in /cases and /analytics, bad rows in the rejects file with their reasons', async () => {
    const { code, out } = await run(env, 'import', ...example, '--rejects', rejects);
    expect(code).toBe(0);
    expect(out.slice(1, 4)).toEqual(['  imported: 10 complaints (34 events)', '  already present: 0 (imported before, or received with the same external reference)', `  rejected: 5 (reasons in ${rejects})`]);
    const rejected = readFileSync(rejects, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { row: number; reasons: string[]; record: Record<string, string> });
    expect(rejected.map(({ row, reasons }) => [row, reasons])).toEqual([
      [11, ['channel (column "Source"): "Fax" is not a known channel (map it under values.channel, or use one of phone, email, web, chat, social, in_store, app, letter, referral)']],
      [12, ['receivedAt (column "Opened"): "2023-02-30 10:00" is not a date in ISO 8601 or YYYY-MM-DD HH:mm or DD/MM/YYYY from 1970 to 9999']],
      [13, ['subject (column "Title"): missing']],
      [14, ['closedAt (column "Closed"): 2023-03-19T02:00:00.000Z is before the complaint was received (2023-03-20T07:00:00.000Z)']],
      // A reused ticket number: the first row is the case, the second is said, not dropped.
      [16, ['external reference "HD-2023-0001" was imported from row 2 of this file: this row is not written']],
    ]);
    expect(rejected[0]?.record['Ticket No']).toBe('HD-2023-0010');
    // The reused ticket's row as it was, to be given a reference of its own.
    expect(rejected[4]?.record).toMatchObject({ 'Ticket No': 'HD-2023-0001', Title: 'Broadband keeps dropping (exported twice)' });

    const refs = ['HD-2023-0001', 'HD-2023-0002', 'HD-2023-0003', 'HD-2023-0004', 'HD-2023-0005', 'HD-2023-0006', 'HD-2023-0007', 'HD-2023-0008', 'HD-2023-0009', 'HD-2023-0014'];
    expect((await cases('&sort=receivedAt')).map((c) => c.id)).toEqual(refs.map(externalRefComplaintId));
    // A quoted field with a comma and a line break, Chinese values mapped, times read in +08:00.
    expect(await imported('HD-2023-0003')).toMatchObject({
      externalRef: 'HD-2023-0003',
      status: 'closed',
      channel: 'phone',
      category: 'service_attitude',
      severity: 'high',
      department: 'installation',
      assignee: 'chen.jie',
      outcome: 'resolved',
      receivedAt: '2023-03-02T06:05:00.000Z',
      closedAt: '2023-03-09T02:30:00.000Z',
      breached: null,
      content: '上门装机人员迟到两小时,\n态度恶劣',
    });
    expect(await imported('HD-2023-0006')).toMatchObject({ status: 'assigned', category: 'billing', assignee: 'zhao.lei', closedAt: null });
    expect(await imported('HD-2023-0009')).toMatchObject({ status: 'received', category: null, complainantId: externalRefComplaintId('HD-2023-0009') });

    const analytics = await api.as('analyst').get('/analytics/complaints?groupBy=category&metrics=received,closed,slaCompliance', { 'x-min-position': String(await head()) });
    expect(analytics.body.totals).toMatchObject({ received: 10, closed: 7, slaCompliance: null });
    expect(analytics.body.rows.find((r: { category: string }) => r.category === 'billing')).toMatchObject({ received: 2, closed: 1 });
  });

  it('the history says where each case came from, and when it happened there', async () => {
    const history = await api.as('auditor').get(`/complaints/${externalRefComplaintId('HD-2023-0001')}/history`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['ComplaintReceived', 'ComplaintClassified', 'ComplaintAssigned', 'ComplaintClosed']);
    for (const event of history.body.events) expect(event.metadata).toMatchObject({ actor: { user: 'import', role: 'system' }, import: { source: 'legacy-helpdesk', row: 2 } });
    expect(history.body.events.map((e: { metadata: { occurredAt: string } }) => e.metadata.occurredAt)).toEqual(['2023-03-01T01:15:00.000Z', '2023-03-01T01:15:00.000Z', '2023-03-01T01:15:00.000Z', '2023-03-06T09:00:00.000Z']);
    expect((await run(env, 'verify')).code).toBe(0);
    // The CLI's timeline tells the auditor the same: when it happened there, and that it was recorded here later.
    const { out } = await run(env, 'replay', externalRefComplaintId('HD-2023-0001'));
    expect(out[0]).toMatch(/^#0 2023-03-01T01:15:00\.000Z \(recorded 20\S+Z\) import \(system\) ComplaintReceived /);
    expect(out[6]).toMatch(/^#3 2023-03-06T09:00:00\.000Z \(recorded \S+\) import \(system\) ComplaintClosed /);
  });

  it('records no SLA breach for an imported case: it was never held to Redress deadlines', async () => {
    await api.app.get(SlaScheduler).tick();
    const breaches = await api.as('auditor').get('/events?types=SlaBreached');
    expect(breaches.body.events).toEqual([]);
  });

  it('running the same import again creates nothing new', async () => {
    const before = await head();
    const { code, out } = await run(env, 'import', ...example, '--rejects', rejects);
    expect(code).toBe(0);
    // The reused ticket number's second row is present now too: it is only a repeat within the run that wrote the first.
    expect(out.slice(1, 4)).toEqual(['  imported: 0 complaints (0 events)', '  already present: 11 (imported before, or received with the same external reference)', `  rejected: 4 (reasons in ${rejects})`]);
    expect(await head()).toBe(before);
    expect(await cases()).toHaveLength(10);
  });

  it('rejects a row whose reference names a case of another complaint (another source, or a counter that restarted), naming the case', async () => {
    const rows = readFileSync('examples/legacy-complaints.csv', 'utf8').split('\n');
    // The first ticket again, received a year later: the old system's counter restarted.
    const nextYear = join(work, 'next-year.csv');
    writeFileSync(nextYear, `${rows[0]}\n${(rows[1] as string).replace('2023-03-01 09:15', '2024-03-01 09:15').replace('2023-03-06 17:00', '2024-03-06 17:00')}\n`);
    const otherRejects = join(work, 'next-year-rejects.ndjson');
    const before = await head();
    const { code, out } = await run(env, 'import', '--file', nextYear, '--mapping', 'examples/legacy-mapping.json', '--rejects', otherRejects);
    expect(code).toBe(0);
    // Before, it was counted "already present" and never written, without a trace.
    expect(out.slice(1, 4)).toEqual(['  imported: 0 complaints (0 events)', '  already present: 0 (imported before, or received with the same external reference)', `  rejected: 1 (reasons in ${otherRejects})`]);
    const [rejected] = readFileSync(otherRejects, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { row: number; reasons: string[] });
    expect(rejected).toEqual({
      row: 2,
      reasons: [`external reference "HD-2023-0001" is already case ${externalRefComplaintId('HD-2023-0001')} (imported from "legacy-helpdesk", received 2023-03-01T01:15:00.000Z), another complaint than this row's: give this row a reference of its own`],
      record: expect.objectContaining({ 'Ticket No': 'HD-2023-0001' }),
    });
    expect(await head()).toBe(before);
  });

  it('intake of the same external reference finds the imported case instead of opening another', async () => {
    const reply = await api.as('intake').post('/complaints', { channel: 'phone', complainant: { name: 'Huang Lei' }, subject: 'Again', content: 'c', externalRef: 'HD-2023-0007' });
    expect(reply.status).toBe(200);
    expect(reply.body.id).toBe(externalRefComplaintId('HD-2023-0007'));
    expect(await cases()).toHaveLength(10);
  });

  it('imports NDJSON the same way, with bad lines rejected', async () => {
    const file = join(work, 'more.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify({ 'Ticket No': 'HD-2024-0001', Opened: '2024-01-02 08:00', Source: 'Web form', Title: 'Late refund', Type: 'Billing', Priority: 'P4', Result: null }),
        '{"Ticket No": "HD-2024-0002", oops',
        JSON.stringify({ 'Ticket No': 'HD-2024-0003', Opened: '2024-01-03 08:00', Source: 'Phone', Title: { nested: true } }),
        '',
      ].join('\n'),
    );
    const { code, out } = await run(env, 'import', '--file', file, '--mapping', 'examples/legacy-mapping.json', '--rejects', rejects);
    expect(code).toBe(0);
    expect(out.slice(1, 4)).toEqual(['  imported: 1 complaints (2 events)', '  already present: 0 (imported before, or received with the same external reference)', `  rejected: 2 (reasons in ${rejects})`]);
    expect(readFileSync(rejects, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { row: number }).row)).toEqual([2, 3]);
    expect(await imported('HD-2024-0001')).toMatchObject({ channel: 'web', category: 'billing', severity: 'low', department: 'customer_service', language: 'zh' });
  });

  it('refuses a broken mapping or a wrong file before writing anything, saying what is wrong', async () => {
    const before = await head();
    const mapping = join(work, 'broken.json');
    writeFileSync(mapping, JSON.stringify({ source: 'x', columns: { A: 'externalRef', B: 'nickname' }, dates: { formats: ['MM/DD'] } }));
    const broken = await run(env, 'import', '--file', 'examples/legacy-complaints.csv', '--mapping', mapping);
    expect(broken.code).toBe(2);
    expect(broken.err[0]).toContain('columns.B: must be one of externalRef, receivedAt');
    writeFileSync(mapping, JSON.stringify({ source: 'x', columns: { A: 'externalRef' }, dates: { formats: ['MM/DD'] } }));
    const incomplete = await run(env, 'import', '--file', 'examples/legacy-complaints.csv', '--mapping', mapping);
    expect(incomplete.err[0]).toContain('  - columns: no column is mapped to receivedAt, which every complaint needs');
    expect(incomplete.err[0]).toContain('  - dates.formats: "MM/DD" needs YYYY, MM and DD once each (and may have HH, mm, ss)');
    writeFileSync(mapping, '{ not json');
    expect((await run(env, 'import', '--file', 'examples/legacy-complaints.csv', '--mapping', mapping)).err[0]).toMatch(/^mapping .*broken\.json: /);
    expect((await run(env, 'import', '--mapping', 'examples/legacy-mapping.json')).err[0]).toContain('import needs --file and --mapping');
    expect((await run(env, 'import', '--file', join(work, 'missing.csv'), '--mapping', 'examples/legacy-mapping.json')).err[0]).toContain('no file');
    expect((await run(env, 'import', '--file', 'README.md', '--mapping', 'examples/legacy-mapping.json')).err[0]).toContain('must end in .csv, .ndjson or .jsonl');
    // Refused before the store is opened, which would create it in a DATA_DIR that has none.
    const fresh = join(work, 'fresh-data');
    expect((await run({ ...env, DATA_DIR: fresh }, 'import', '--file', 'examples/legacy-complaints.csv', '--mapping', mapping)).code).toBe(2);
    expect(existsSync(fresh)).toBe(false);
    // A column the mapping names but the file lacks would leave its field empty in every row: refused, naming it.
    const renamed = join(work, 'renamed.csv');
    writeFileSync(renamed, readFileSync('examples/legacy-complaints.csv', 'utf8').replace('Closed,', 'Closed Date,'));
    const misnamed = await run(env, 'import', '--file', renamed, '--mapping', 'examples/legacy-mapping.json');
    expect(misnamed.code).toBe(2);
    expect(misnamed.err[0]).toMatch(/^.*renamed\.csv: the header has no column "Closed" \(mapped to closedAt\); its columns are "Ticket No", /);
    const overwrite = await run(env, 'import', '--file', renamed, '--mapping', 'examples/legacy-mapping.json', '--rejects', renamed);
    expect(overwrite.err[0]).toContain("is the import's own file: writing the rejects there would erase it");
    expect(readFileSync(renamed, 'utf8')).toContain('Closed Date,');
    const unwritable = await run(env, 'import', ...example, '--rejects', join(work, 'no-such-dir', 'rejects.ndjson'));
    expect(unwritable.code).toBe(2);
    expect(unwritable.err[0]).toContain('cannot write the rejects file');
    expect((await run({ ...env, DATA_DIR: fresh }, ...['import', ...example, '--rejects', join(work, 'no-such-dir', 'rejects.ndjson')])).code).toBe(2);
    expect(existsSync(fresh)).toBe(false);
    expect(await head()).toBe(before);
  });

  it('stops with a message, not a crash, when the rejects file cannot be written', async () => {
    // /dev/full opens, then refuses every write with ENOSPC, as a full disk would.
    if (!existsSync('/dev/full')) return;
    const { code, err } = await run(env, 'import', ...example, '--rejects', '/dev/full');
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/import stopped: cannot write the rejects file: .*ENOSPC/);
    // Also when the only reject is the last thing written: its failure comes after the write has returned.
    const one = join(work, 'one-bad.ndjson');
    writeFileSync(one, '{"Ticket No": "HD-2026-0001", oops\n');
    const alone = await run(env, 'import', '--file', one, '--mapping', 'examples/legacy-mapping.json', '--rejects', '/dev/full');
    expect(alone.code).toBe(1);
    expect(alone.err.join('\n')).toMatch(/cannot write the rejects file: .*ENOSPC/);
  });

  it('refuses a file that is not UTF-8, writing nothing, rather than import its text garbled', async () => {
    const gbk = join(work, 'gbk.csv');
    const header = readFileSync('examples/legacy-complaints.csv', 'utf8').split('\n')[0] as string;
    // 王芳 in GBK, as Excel on a Chinese Windows saves a CSV.
    writeFileSync(gbk, Buffer.concat([Buffer.from(`${header}\nGB-1,2023-03-01 09:15,Phone,`), Buffer.from([0xcd, 0xf5, 0xb7, 0xbc]), Buffer.from(',1,Retail,C-9,Late,x,F,SH,Quality,P2,network,li.na,,,\n')]));
    const before = await head();
    const { code, err } = await run(env, 'import', '--file', gbk, '--mapping', 'examples/legacy-mapping.json');
    expect(code).toBe(2);
    expect(err.join('\n')).toContain(`${gbk}: the file is not UTF-8`);
    expect(await head()).toBe(before);
  });

  it('stops at a quote that is never closed, keeping the rows before it and saying why', async () => {
    const file = join(work, 'unterminated.csv');
    const header = readFileSync('examples/legacy-complaints.csv', 'utf8').split('\n')[0] as string;
    writeFileSync(file, `${header}\nHD-2025-0001,2025-01-02 08:00,Phone,Li,1,Retail,C-9,Title,Text,,,,,,,,,\nHD-2025-0002,2025-01-02 09:00,Phone,Li,1,Retail,C-9,"Broken title,Text,,,,,,,,,\n`);
    const { code, out, err } = await run(env, 'import', '--file', file, '--mapping', 'examples/legacy-mapping.json');
    expect(code).toBe(1);
    expect(out[1]).toBe('  imported: 1 complaints (1 events)');
    expect(err.join('\n')).toContain('the file ends inside a quoted field: a quote opened in the row starting on line 3 is never closed. Rows written so far stay; mend the file, then run the same import again');
    expect(await imported('HD-2025-0001')).toMatchObject({ subject: 'Title' });
  });

  it('counts a row present whose reference intake has already used: the same complaint, taken in during a cut-over', async () => {
    const taken = await api.as('intake').post('/complaints', { channel: 'phone', complainant: { name: 'Sun Li' }, subject: 'Taken in first', content: 'c', externalRef: 'HD-CUT-0001' });
    expect(taken.status).toBe(201);
    const rows = readFileSync('examples/legacy-complaints.csv', 'utf8').split('\n');
    const cutOver = join(work, 'cut-over.csv');
    writeFileSync(cutOver, `${rows[0]}\n${(rows[1] as string).replace('HD-2023-0001', 'HD-CUT-0001')}\n`);
    const { out } = await run(env, 'import', '--file', cutOver, '--mapping', 'examples/legacy-mapping.json');
    expect(out.slice(1, 4)).toEqual(['  imported: 0 complaints (0 events)', '  already present: 1 (imported before, or received with the same external reference)', '  rejected: 0']);
  });
});
