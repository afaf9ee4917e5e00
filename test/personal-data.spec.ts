import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startApi, TEST_JWT_SECRET, type RunningApi, type StaffClient } from './support/api';
import { runCommand } from './support/cli';
import type { SealedEventStore } from '@redress/event-store';
import { EVENT_STORE } from '../apps/api/src/tokens';

const ERASED = '[erased]';
const GONE = { name: 'Zhang San', contact: '+86 139 1111 2222', subject: 'Refund never arrived for order 8812', content: 'I, Zhang San of 5 Lane Road, was promised a refund.' };
const KEPT = { name: 'Li Si', contact: 'li.si@example.com', subject: 'Courier was rude', content: 'The courier shouted at me on Tuesday.' };

const intake = (client: StaffClient, complainantId: string, who: typeof GONE) =>
  client.post('/complaints', { channel: 'phone', complainant: { id: complainantId, name: who.name, contact: who.contact, customerType: 'individual' }, subject: who.subject, content: who.content });

/** The rows of events.db as written, and every byte of its files (the embedded log keeps the data keys too). */
const storedEvents = (dataDir: string): Array<{ stream: string; type: string; data: string }> => {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    return db.prepare('SELECT stream, type, data FROM events ORDER BY position').all() as Array<{ stream: string; type: string; data: string }>;
  } finally {
    db.close();
  }
};
/** Every byte of a set of DATA_DIR files, as written so far. */
const bytesOf = (dataDir: string, files: readonly string[]): Buffer => Buffer.concat(files.map((file) => join(dataDir, file)).filter(existsSync).map((file) => readFileSync(file)));
const storeBytes = (dataDir: string): Buffer => bytesOf(dataDir, ['events.db', 'events.db-wal']);

/**
 * Crypto-shredding end to end (issue 10): personal data is sealed in the log,
 * erasure deletes the complainant's keys and records why, and afterwards
 * every view shows `[erased]` while the chains verify and the analytics stay
 * as they were, in a rebuild too.
 */
describe('personal data: sealed in the log, erased on request', () => {
  let api: RunningApi;
  let env: Record<string, string>;
  let gone: string[];
  let kept: string;
  beforeAll(async () => {
    api = await startApi();
    env = { DATA_DIR: api.config.dataDir, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' };
    const desk = api.as('intake');
    gone = [(await intake(desk, 'cust-gone', GONE)).body.id, (await intake(desk, 'cust-gone', { ...GONE, subject: 'Second complaint' })).body.id];
    kept = (await intake(desk, 'cust-kept', KEPT)).body.id;
    expect((await api.as('handler').post(`/complaints/${gone[0]}/acknowledge`, { message: 'We are looking into it' })).status).toBe(200);
  });
  afterAll(() => api.stop());

  /** The analysis as of the log's head (the feed says where that is; an analyst may not read the feed). */
  const analytics = async () => {
    const head = (await api.as('auditor').get('/events?limit=1')).body.headPosition as number;
    expect(head).toBeGreaterThan(0);
    const { status, body } = await api.as('analyst').get('/analytics/complaints?groupBy=category,channel,region&metrics=received,firstResponseP50', { 'x-min-position': String(head) });
    expect(status).toBe(200);
    expect(body.rows.length).toBeGreaterThan(0);
    return body.rows as unknown[];
  };

  it('stores name, contact, subject and content sealed: the log holds none of them in the clear', async () => {
    const rows = storedEvents(api.config.dataDir);
    const log = rows.map((row) => row.data).join('\n');
    for (const value of [...Object.values(GONE), ...Object.values(KEPT)]) expect(log).not.toContain(value);
    const received = rows.filter((row) => row.type === 'ComplaintReceived').map((row) => JSON.parse(row.data));
    expect(received).toHaveLength(3);
    for (const data of received) {
      expect(data).not.toHaveProperty('subject');
      expect(data).not.toHaveProperty('content');
      expect(data.complainant).toEqual({ anonymous: false, customerType: 'individual' });
      expect(data._sealed).toMatch(/^sealed:v1:[0-9a-f-]{36}:complainant\.name,complainant\.contact,subject,content:/);
    }
    // Everyone else sees them opened.
    expect((await api.as('handler').get(`/complaints/${gone[0]}`)).body).toMatchObject({ complainant: { name: GONE.name, contact: GONE.contact }, subject: GONE.subject, content: GONE.content });
  });

  it('refuses a bad erasure request with a clear error and changes nothing', async () => {
    const before = storedEvents(api.config.dataDir);
    expect((await api.as('handler').post('/complainants/cust-gone/erase', { reason: 'asked' })).body).toMatchObject({ statusCode: 403, code: 'ROLE_FORBIDDEN' });
    expect((await api.as('admin').post('/complainants/cust-gone/erase', {})).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((await api.as('admin').post('/complainants/cust-gone/erase', { reason: 'asked', extra: 1 })).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((await api.as('admin').post(`/complainants/${'x'.repeat(101)}/erase`, { reason: 'asked' })).body).toMatchObject({ statusCode: 400, code: 'INVALID_COMPLAINANT_ID' });
    expect((await api.as('admin').post('/complainants/nobody-at-all/erase', { reason: 'asked' })).body).toMatchObject({ statusCode: 404, code: 'COMPLAINANT_NOT_FOUND' });
    expect(storedEvents(api.config.dataDir)).toEqual(before);
    expect((await api.as('handler').get(`/complaints/${gone[1]}`)).body.subject).toBe('Second complaint');
  });

  it('erases: every view says [erased], the chains verify, the analytics are unchanged, and no copy of the key is left', async () => {
    const figures = await analytics();
    const keyBytes = (() => {
      const db = new Database(join(api.config.dataDir, 'events.db'), { readonly: true });
      try {
        return (db.prepare('SELECT key FROM data_keys WHERE subject = ?').all('cust-gone') as Array<{ key: Buffer }>).map((row) => row.key);
      } finally {
        db.close();
      }
    })();
    expect(keyBytes).toHaveLength(1);

    const erased = await api.as('admin', 'dpo').post('/complainants/cust-gone/erase', { reason: 'GDPR art. 17 request of 2026-11-20' });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ complainantId: 'cust-gone', keysErased: 1 });
    expect([...erased.body.complaints].sort()).toEqual([...gone].sort());
    const position = String(erased.body.position);

    const handler = api.as('handler');
    for (const id of gone) {
      const view = (await handler.get(`/complaints/${id}`)).body;
      expect(view).toMatchObject({ complainant: { name: ERASED, contact: ERASED, customerType: 'individual' }, subject: ERASED, content: ERASED, personalDataErased: true });
      const history = (await handler.get(`/complaints/${id}/history`)).body.events;
      expect(history[0].data).toMatchObject({ complainant: { name: ERASED, contact: ERASED }, subject: ERASED, content: ERASED });
      expect(history.at(-1)).toMatchObject({ type: 'PersonalDataErased', data: { complainantId: 'cust-gone', reason: 'GDPR art. 17 request of 2026-11-20' } });
      expect((await handler.get(`/complaints/${id}/verify`)).body).toMatchObject({ ok: true });
      expect((await handler.get(`/cases/${id}`, { 'x-min-position': position })).body).toMatchObject({ subject: ERASED, content: ERASED, complainant: { name: ERASED } });
    }
    // The case that is not theirs is untouched.
    expect((await handler.get(`/complaints/${kept}`)).body).toMatchObject({ complainant: { name: KEPT.name }, subject: KEPT.subject });
    expect((await handler.get(`/cases?q=${encodeURIComponent('Refund never arrived')}`, { 'x-min-position': position })).body.items).toEqual([]);

    const feed = (await api.as('auditor').get('/events?types=ComplaintReceived,ComplainantDataErased')).body.events;
    expect(feed.filter((e: { type: string }) => e.type === 'ComplaintReceived').map((e: { data: { subject: string } }) => e.data.subject)).toEqual([ERASED, ERASED, KEPT.subject]);
    expect(feed.at(-1)).toMatchObject({ type: 'ComplainantDataErased', streamName: 'complainant-cust-gone', data: { complainantId: 'cust-gone', complaints: erased.body.complaints } });

    expect(await analytics()).toEqual(figures);
    expect((await runCommand(env, 'verify')).out[0]).toMatch(/^OK \d+ events in 6 streams; 1 sealed open with their keys, 2 erased$/);
    const keys = storeBytes(api.config.dataDir);
    for (const key of keyBytes) expect(keys.includes(key)).toBe(false);
    // Nor is the clear text the case view held before the erasure left in the read models' files, free pages and WAL included.
    const readModels = bytesOf(api.config.dataDir, ['read-models.db', 'read-models.db-wal']);
    expect(readModels.length).toBeGreaterThan(0);
    for (const value of Object.values(GONE)) expect({ value, found: readModels.includes(Buffer.from(value)) }).toEqual({ value, found: false });
    expect(readModels.includes(Buffer.from(KEPT.subject))).toBe(true);
  });

  it('refuses an intake of a complainant whose erasure is under way, writing nothing, and takes it once it has ended', async () => {
    // The erasure's window (keys deleted, cases not yet all marked) held open by hand: POST /complainants/:id/erase
    // runs through it in milliseconds.
    const store = api.app.get<symbol, SealedEventStore>(EVENT_STORE);
    await store.erase('cust-racing', 'e-1');
    const head = await store.headPosition();
    const refused = await intake(api.as('intake'), 'cust-racing', KEPT);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'COMPLAINANT_ERASURE_IN_PROGRESS' });
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await store.headPosition()).toBe(head);
    // Someone else's complaint goes on meanwhile.
    expect((await intake(api.as('intake'), 'cust-other', KEPT)).status).toBe(201);
    await store.endErasure('cust-racing', 'e-1');
    expect((await intake(api.as('intake'), 'cust-racing', KEPT)).status).toBe(201);
  });

  it('stays erased in a rebuild, and a new complaint of the same complainant is readable', async () => {
    const views = async () => Promise.all([...gone, kept].map(async (id) => (await api.as('analyst').get(`/cases/${id}`)).body));
    const before = await views();
    const rebuilt = await runCommand(env, 'rebuild', 'cases');
    expect(rebuilt.code).toBe(0);
    expect(await views()).toEqual(before);
    expect(before[0]).toMatchObject({ subject: ERASED });

    const again = await intake(api.as('intake'), 'cust-gone', { ...GONE, subject: 'A new matter' });
    expect((await api.as('handler').get(`/complaints/${again.body.id}`)).body).toMatchObject({ subject: 'A new matter', complainant: { name: GONE.name } });
    // Asking again erases the new one too; the earlier cases record it once.
    const repeat = await api.as('admin', 'dpo').post('/complainants/cust-gone/erase', { reason: 'asked again' });
    expect(repeat.body).toMatchObject({ keysErased: 1 });
    expect([...repeat.body.complaints].sort()).toEqual([...gone, again.body.id].sort());
    expect((await api.as('handler').get(`/complaints/${again.body.id}`)).body.subject).toBe(ERASED);
    const history = (await api.as('handler').get(`/complaints/${gone[0]}/history`)).body.events;
    expect(history.filter((e: { type: string }) => e.type === 'PersonalDataErased')).toHaveLength(1);
    expect((await runCommand(env, 'verify')).code).toBe(0);
  });
});
