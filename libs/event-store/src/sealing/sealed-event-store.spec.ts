import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { event } from '../contract/event-store.contract';
import { EventStoreUnavailableError } from '../errors';
import type { JsonObject, RecordedEvent } from '../event-store';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { verifyLog } from '../verify';
import type { DataKeyStore } from './data-keys';
import { UNREADABLE } from './seal';
import { SealedEventStore, type PersonalDataPolicy } from './sealed-event-store';
import { SqliteDataKeyStore } from './sqlite-data-key-store';

/** A policy like the contracts': `Said` events hold their `who`'s `words` and `contact.phone`; `Forgotten` in `person-<who>` records an erasure. */
const POLICY: PersonalDataPolicy = {
  of: (type, data) => (type === 'Said' && typeof data.who === 'string' ? { subject: data.who, paths: [['words'], ['contact', 'phone']] } : undefined),
  erased: '[gone]',
  erasureOf: (type, data) => (type === 'Forgotten' && typeof data.who === 'string' ? data.who : undefined),
  erasuresStream: (who) => `person-${who}`,
};
const said = (who: string, words: string) => event('Said', { who, words, contact: { phone: `${who}-phone`, kind: 'mobile' }, count: 3 });
const dataOf = (events: RecordedEvent[]) => events.map((e) => e.data);

describe('SealedEventStore', () => {
  let dir: string;
  let log: SqliteEventStore;
  let store: SealedEventStore;
  const open = (options = {}) => new SealedEventStore(log, new SqliteDataKeyStore(join(dir, 'keys.db')), POLICY, options);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'redress-sealed-'));
    log = new SqliteEventStore({ file: join(dir, 'events.db') });
    store = open();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seals the personal fields in the log and opens them on every read path', async () => {
    await store.appendToStream('s-1', [said('ann', 'I was overcharged'), event('Other', { words: 'not personal' })]);
    await store.appendToStream('s-2', [said('bob', 'Late again')]);
    const stored = await log.readStream('s-1');
    expect(stored[0]?.data).toEqual({ who: 'ann', count: 3, contact: { kind: 'mobile' }, _sealed: expect.stringMatching(/^sealed:v1:[0-9a-f-]{36}:words,contact\.phone:/) });
    expect(JSON.stringify(stored)).not.toContain('overcharged');
    expect(JSON.stringify(stored)).not.toContain('ann-phone');
    expect(stored[1]?.data).toEqual({ words: 'not personal' });

    const opened = { who: 'ann', words: 'I was overcharged', contact: { phone: 'ann-phone', kind: 'mobile' }, count: 3 };
    expect(dataOf(await store.readStream('s-1'))).toEqual([opened, { words: 'not personal' }]);
    expect(dataOf(await store.readAll())).toEqual([opened, { words: 'not personal' }, { who: 'bob', words: 'Late again', contact: { phone: 'bob-phone', kind: 'mobile' }, count: 3 }]);
    const subscription = store.subscribeToAll();
    const seen: JsonObject[] = [];
    for await (const e of subscription) {
      seen.push(e.data);
      if (seen.length === 3) break;
    }
    expect(seen[0]).toEqual(opened);
  });

  it('after erasure reads [gone] for that subject only, here at once and elsewhere once its key cache expires; the chains still verify', async () => {
    await store.appendToStream('s-1', [said('ann', 'first'), said('bob', 'second')]);
    const elsewhere = open({ keyCacheMs: 60 });
    expect(dataOf(await elsewhere.readStream('s-1')).map((d) => d.words)).toEqual(['first', 'second']);
    expect(await store.erase('ann', 'e-1')).toBe(1);
    expect(dataOf(await store.readStream('s-1'))).toEqual([
      { who: 'ann', words: '[gone]', contact: { phone: '[gone]', kind: 'mobile' }, count: 3 },
      { who: 'bob', words: 'second', contact: { phone: 'bob-phone', kind: 'mobile' }, count: 3 },
    ]);
    expect(dataOf(await elsewhere.readStream('s-1')).map((d) => d.words)).toEqual(['first', 'second']);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(dataOf(await elsewhere.readStream('s-1')).map((d) => d.words)).toEqual(['[gone]', 'second']);
    expect((await verifyLog(log)).firstBreak).toBeUndefined();
  });

  it('reads values stored in the clear as they are, and a sealed value moved to another event as unreadable', async () => {
    await log.appendToStream('old', [event('Said', { who: 'ann', words: 'written before sealing', contact: { phone: '123', kind: 'home' } })]);
    expect(dataOf(await store.readStream('old'))[0]).toMatchObject({ words: 'written before sealing', contact: { phone: '123' } });
    await store.appendToStream('s-1', [said('ann', 'secret')]);
    const [sealed] = await log.readStream('s-1');
    await log.appendToStream('copy', [event('Said', { who: 'ann', contact: { kind: 'home' }, _sealed: sealed?.data._sealed as string })]);
    expect(dataOf(await store.readStream('copy'))[0]).toEqual({ who: 'ann', words: UNREADABLE, contact: { kind: 'home', phone: UNREADABLE } });
  });

  it('appends nothing when the subject has no key and none can be made', async () => {
    const refusing: DataKeyStore = {
      keyFor: () => Promise.reject(new EventStoreUnavailableError('disk full')),
      find: () => Promise.resolve(undefined),
      erase: () => Promise.resolve(0),
      endErasure: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const sealedOnly = new SealedEventStore(log, refusing, POLICY);
    await expect(sealedOnly.appendToStream('s-1', [event('Other'), said('ann', 'x')])).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(await log.readAll()).toEqual([]);
  });

  describe('sealAudit (verifyLog with seals)', () => {
    const audit = async (streamName?: string) => (await verifyLog(log, { seals: store.sealAudit(), ...(streamName ? { streamName } : {}) })).seals;
    const keys = (sql: string, ...values: string[]) => {
      const db = new Database(join(dir, 'keys.db'));
      db.prepare(sql).run(...values);
      db.close();
    };
    beforeEach(async () => {
      await store.appendToStream('s-1', [said('ann', 'first'), event('Other')]);
      await store.appendToStream('s-2', [said('bob', 'second'), said('bob', 'third')]);
    });

    it('passes sealed events that open with their keys', async () => {
      expect(await audit()).toEqual({ sealed: 3, erased: 0, unreadable: 0 });
      expect(await audit('s-2')).toEqual({ sealed: 2, erased: 0, unreadable: 0 });
    });

    it('reports a key gone without an erasure, and accepts it once the erasure is recorded, wherever it falls', async () => {
      keys('DELETE FROM data_keys WHERE subject = ?', 'ann');
      const [first] = await log.readStream('s-1');
      const keyId = String(first?.data._sealed).split(':')[2];
      const missing = { streamName: 's-1', revision: 0, position: first?.position, reason: `its data key ${keyId} is gone, and no erasure of ann is recorded` };
      expect(await audit()).toEqual({ sealed: 3, erased: 0, unreadable: 1, firstUnreadable: missing });
      expect(await audit('s-1')).toEqual({ sealed: 1, erased: 0, unreadable: 1, firstUnreadable: missing });
      // After the event it excuses: a key given out just before an erasure can seal an event committed after it.
      await log.appendToStream('person-ann', [event('Forgotten', { who: 'ann' })]);
      expect(await audit()).toEqual({ sealed: 3, erased: 1, unreadable: 0 });
      expect(await audit('s-1')).toEqual({ sealed: 1, erased: 1, unreadable: 0 });
      expect(await audit('s-2')).toEqual({ sealed: 2, erased: 0, unreadable: 0 });
    });

    it('accepts an erasure made while the whole log was being read, after the page that held its events', async () => {
      // The last page is read, then the erasure records itself and deletes the key before the audit opens that page.
      const racing = Object.create(log) as SqliteEventStore;
      racing.readAll = async (options) => {
        const page = await log.readAll(options);
        if (page.length > 0) {
          await log.appendToStream('person-ann', [event('Forgotten', { who: 'ann' })]);
          keys('DELETE FROM data_keys WHERE subject = ?', 'ann');
        }
        return page;
      };
      expect((await verifyLog(racing, { seals: store.sealAudit() })).seals).toEqual({ sealed: 3, erased: 1, unreadable: 0 });
    });

    it("reports a key altered, or one swapped for another subject's", async () => {
      keys(`UPDATE data_keys SET key = randomblob(32) WHERE subject = ?`, 'ann');
      expect(await audit()).toMatchObject({ sealed: 3, unreadable: 1, firstUnreadable: { streamName: 's-1', revision: 0, reason: expect.stringMatching(/^its personal data does not open with its data key /) } });
      keys(`UPDATE data_keys SET subject = 'ann' WHERE subject = ?`, 'bob');
      expect(await audit('s-2')).toMatchObject({ unreadable: 2, firstUnreadable: { streamName: 's-2', revision: 0 } });
    });

    it('reports an envelope copied into another event', async () => {
      const [sealed] = await log.readStream('s-1');
      await log.appendToStream('copy', [event('Said', { who: 'ann', _sealed: sealed?.data._sealed as string })]);
      expect(await audit()).toMatchObject({ sealed: 4, unreadable: 1, firstUnreadable: { streamName: 'copy', reason: expect.stringMatching(/does not open/) } });
    });
  });
});
