import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** A policy like the contracts': `Said` events hold their `who`'s `words` and `contact.phone`. */
const POLICY: PersonalDataPolicy = {
  of: (type, data) => (type === 'Said' && typeof data.who === 'string' ? { subject: data.who, paths: [['words'], ['contact', 'phone']] } : undefined),
  erased: '[gone]',
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
});
