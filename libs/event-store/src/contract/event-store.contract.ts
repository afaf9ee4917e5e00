import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { EventStore, EventToAppend, ExpectedRevision, Position, RecordedEvent } from '../event-store';
import { WrongExpectedRevisionError } from '../errors';
import { ChainVerifier, GENESIS } from '../hash-chain';

/**
 * The behaviour every EventStore adapter must have. Stores may be shared and
 * non-empty (EventStoreDB), so each test uses streams of its own and reads the
 * global log from the position where it started.
 */
export interface ContractTarget {
  /** A store for one test; `release` is called after it. */
  open(): Promise<EventStore>;
  release(store: EventStore): Promise<void>;
}

export const event = (type: string, data: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): EventToAppend => ({
  id: randomUUID(),
  type,
  data: data as EventToAppend['data'],
  metadata: metadata as EventToAppend['metadata'],
});

const uniqueStream = (prefix = 'contract'): string => `${prefix}-${randomUUID()}`;

const conflictOf = async (promise: Promise<unknown>): Promise<WrongExpectedRevisionError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) return error;
    throw error;
  }
  throw new Error('expected a WrongExpectedRevisionError, but the append succeeded');
};

/** Reads the whole log after `after`, page by page. */
const readAllAfter = async (store: EventStore, after: Position, pageSize = 100): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for (let position = after; ; ) {
    const page = await store.readAll({ after: position, maxCount: pageSize });
    all.push(...page);
    if (page.length < pageSize) return all;
    position = (page[page.length - 1] as RecordedEvent).position;
  }
};

/** Collects `count` events from a subscription, failing after `timeoutMs`. */
const take = async (subscription: AsyncIterable<RecordedEvent>, count: number, keep: (e: RecordedEvent) => boolean, timeoutMs = 20_000) => {
  const seen: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  for await (const recorded of subscription) {
    if (keep(recorded)) seen.push(recorded);
    if (seen.length >= count) break;
    if (Date.now() > deadline) throw new Error(`subscription delivered ${seen.length} of ${count} events`);
  }
  return seen;
};

export const describeEventStoreContract = (adapter: string, target: ContractTarget): void => {
  describe(`EventStore contract: ${adapter}`, () => {
    let store: EventStore;
    beforeEach(async () => {
      store = await target.open();
    });
    afterEach(async () => {
      await target.release(store);
    });

    describe('appendToStream', () => {
      it('numbers a new stream from revision 0 and returns the head revision and position', async () => {
        const stream = uniqueStream();
        const result = await store.appendToStream(stream, [event('A'), event('B'), event('C')], 'no_stream');
        expect(result.nextExpectedRevision).toBe(2);
        const read = await store.readStream(stream);
        expect(read.map((e) => [e.revision, e.type])).toEqual([
          [0, 'A'],
          [1, 'B'],
          [2, 'C'],
        ]);
        expect(read[2]?.position).toBe(result.position);
        expect(read[0]!.position).toBeLessThan(read[1]!.position);
        expect(read[1]!.position).toBeLessThan(read[2]!.position);
      });

      it('keeps data, metadata, ids and stream names exactly as written, plus the chain fields', async () => {
        const stream = uniqueStream();
        const written = event('ComplaintReceived', { subject: 'late', amount: 12.5, tags: ['a', 'b'], nested: { ok: true, none: null } }, {
          actor: { userId: 'u-1', role: 'intake' },
          correlationId: 'c-1',
        });
        await store.appendToStream(stream, [written]);
        const [read] = await store.readStream(stream);
        expect(read).toMatchObject({ id: written.id, streamName: stream, revision: 0, type: 'ComplaintReceived', data: written.data });
        expect(read!.metadata).toMatchObject({ ...written.metadata, prevHash: GENESIS });
        expect(read!.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(Number.isNaN(Date.parse(read!.recordedAt))).toBe(false);
      });

      const cases: Array<{ state: 'absent' | 'at revision 1'; expected: ExpectedRevision; ok: boolean }> = [
        { state: 'absent', expected: 'no_stream', ok: true },
        { state: 'absent', expected: 'any', ok: true },
        { state: 'absent', expected: 'stream_exists', ok: false },
        { state: 'absent', expected: 0, ok: false },
        { state: 'at revision 1', expected: 'no_stream', ok: false },
        { state: 'at revision 1', expected: 'any', ok: true },
        { state: 'at revision 1', expected: 'stream_exists', ok: true },
        { state: 'at revision 1', expected: 1, ok: true },
        { state: 'at revision 1', expected: 0, ok: false },
        { state: 'at revision 1', expected: 2, ok: false },
      ];
      it.each(cases)('stream $state, expected $expected: ok=$ok', async ({ state, expected, ok }) => {
        const stream = uniqueStream();
        if (state === 'at revision 1') await store.appendToStream(stream, [event('A'), event('B')], 'no_stream');
        const before = await store.readStream(stream);
        const attempt = store.appendToStream(stream, [event('X'), event('Y')], expected);
        if (ok) {
          const result = await attempt;
          expect(result.nextExpectedRevision).toBe(before.length + 1);
          expect((await store.readStream(stream)).map((e) => e.type).slice(-2)).toEqual(['X', 'Y']);
        } else {
          const conflict = await conflictOf(attempt);
          expect(conflict.streamName).toBe(stream);
          expect(conflict.expected).toBe(expected);
          expect(conflict.actual).toBe(state === 'absent' ? 'no_stream' : 1);
          expect(await store.readStream(stream)).toEqual(before);
        }
      });

      it('behaves like a list per stream under any sequence of appends and expectations', async () => {
        const step = fc.record({
          stream: fc.integer({ min: 0, max: 2 }),
          count: fc.integer({ min: 1, max: 3 }),
          expected: fc.oneof(fc.constantFrom<ExpectedRevision>('any', 'no_stream', 'stream_exists'), fc.integer({ min: 0, max: 6 })),
        });
        await fc.assert(
          fc.asyncProperty(fc.array(step, { maxLength: 20 }), async (steps) => {
            const prefix = uniqueStream('model');
            const model = new Map<string, string[]>();
            for (const { stream: s, count, expected } of steps) {
              const stream = `${prefix}-${s}`;
              const ids = model.get(stream);
              const head = ids ? ids.length - 1 : undefined;
              const accepted =
                expected === 'any' ||
                (expected === 'no_stream' && head === undefined) ||
                (expected === 'stream_exists' && head !== undefined) ||
                expected === head;
              const events = Array.from({ length: count }, () => event('Modelled'));
              const attempt = store.appendToStream(stream, events, expected);
              if (accepted) {
                expect((await attempt).nextExpectedRevision).toBe((head ?? -1) + count);
                model.set(stream, [...(ids ?? []), ...events.map((e) => e.id)]);
              } else {
                expect((await conflictOf(attempt)).actual).toBe(head ?? 'no_stream');
              }
            }
            for (let s = 0; s <= 2; s += 1) {
              const stream = `${prefix}-${s}`;
              const read = await store.readStream(stream);
              expect(read.map((e) => e.id)).toEqual(model.get(stream) ?? []);
              const verifier = new ChainVerifier();
              expect(read.every((e) => verifier.accept(e))).toBe(true);
            }
          }),
          { numRuns: 25 },
        );
      });

      it('rejects malformed appends before touching the store', async () => {
        const stream = uniqueStream();
        await expect(store.appendToStream(stream, [])).rejects.toThrow(TypeError);
        await expect(store.appendToStream('', [event('A')])).rejects.toThrow(TypeError);
        await expect(store.appendToStream(stream, [event('A')], -1 as ExpectedRevision)).rejects.toThrow(TypeError);
        await expect(store.appendToStream(stream, [{ ...event('A'), id: 'not-a-uuid' }])).rejects.toThrow(TypeError);
        await expect(store.appendToStream(stream, [event('$system')])).rejects.toThrow(TypeError);
        await expect(store.readAll({ maxCount: -1 })).rejects.toThrow(TypeError);
        await expect(store.readStream(stream, { fromRevision: 1.5 })).rejects.toThrow(TypeError);
        expect(await store.readStream(stream)).toEqual([]);
      });
    });

    describe('readStream', () => {
      it('reads forwards and backwards from any revision with a count', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, ['E0', 'E1', 'E2', 'E3', 'E4'].map((type) => event(type)));
        const types = (events: RecordedEvent[]) => events.map((e) => e.type);
        expect(types(await store.readStream(stream, { fromRevision: 2 }))).toEqual(['E2', 'E3', 'E4']);
        expect(types(await store.readStream(stream, { fromRevision: 1, maxCount: 2 }))).toEqual(['E1', 'E2']);
        expect(types(await store.readStream(stream, { direction: 'backwards' }))).toEqual(['E4', 'E3', 'E2', 'E1', 'E0']);
        expect(types(await store.readStream(stream, { direction: 'backwards', fromRevision: 3, maxCount: 2 }))).toEqual(['E3', 'E2']);
        expect(types(await store.readStream(stream, { fromRevision: 9 }))).toEqual([]);
      });

      it('returns nothing for a stream that does not exist', async () => {
        expect(await store.readStream(uniqueStream())).toEqual([]);
      });
    });

    describe('readAll', () => {
      it('returns every stream interleaved in commit order, from any position', async () => {
        const start = await store.headPosition();
        const a = uniqueStream('a');
        const b = uniqueStream('b');
        await store.appendToStream(a, [event('A0')]);
        await store.appendToStream(b, [event('B0'), event('B1')]);
        await store.appendToStream(a, [event('A1')]);
        const all = await readAllAfter(store, start, 2);
        const ours = all.filter((e) => e.streamName === a || e.streamName === b);
        expect(ours.map((e) => e.type)).toEqual(['A0', 'B0', 'B1', 'A1']);
        for (let i = 1; i < all.length; i += 1) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
        for (const [i, from] of ours.entries()) {
          const suffix = (await readAllAfter(store, from.position)).filter((e) => e.streamName === a || e.streamName === b);
          expect(suffix.map((e) => e.id)).toEqual(ours.slice(i + 1).map((e) => e.id));
        }
        expect(await store.headPosition()).toBe(ours[3]!.position);
      });

      it('reads a long run in one call with each event once (an adapter reading in pages must not repeat where they meet)', async () => {
        const start = await store.headPosition();
        const stream = uniqueStream('long');
        for (let batch = 0; batch < 12; batch += 1) await store.appendToStream(stream, Array.from({ length: 100 }, (_, i) => event(`E${batch * 100 + i}`)));
        const read = (await store.readAll({ after: start, maxCount: 1200 })).filter((e) => e.streamName === stream);
        expect(read.map((e) => e.type)).toEqual(Array.from({ length: 1200 }, (_, i) => `E${i}`));
        expect(new Set(read.map((e) => e.id)).size).toBe(1200);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up from a checkpoint, then goes live without gaps or duplicates while others append', async () => {
        const stream = uniqueStream('sub');
        await store.appendToStream(stream, [event('Before0')]);
        const [checkpoint] = await store.readStream(stream);
        await store.appendToStream(stream, [event('Before1'), event('Before2')]);

        const writers = 4;
        const perWriter = 25;
        const expected = 2 + writers * perWriter;
        const subscription = store.subscribeToAll({ after: checkpoint!.position });
        const received = take(subscription, expected, (e) => e.streamName.startsWith(stream));
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i += 1) await store.appendToStream(`${stream}-w${w}`, [event(`W${w}-${i}`)]);
          }),
        );
        const events = await received;
        await subscription.close();

        expect(events.slice(0, 2).map((e) => e.type)).toEqual(['Before1', 'Before2']);
        expect(new Set(events.map((e) => e.id)).size).toBe(expected);
        for (let i = 1; i < events.length; i += 1) expect(events[i]!.position).toBeGreaterThan(events[i - 1]!.position);
        for (let w = 0; w < writers; w += 1) {
          const mine = events.filter((e) => e.streamName === `${stream}-w${w}`).map((e) => e.type);
          expect(mine).toEqual(Array.from({ length: perWriter }, (_, i) => `W${w}-${i}`));
        }
      });

      it('ends iteration when closed', async () => {
        const subscription = store.subscribeToAll({ after: await store.headPosition() });
        const iterating = (async () => {
          let count = 0;
          for await (const _ of subscription) count += 1;
          return count;
        })();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await subscription.close();
        await expect(iterating).resolves.toBe(0);
      });
    });

    describe('content', () => {
      it('round-trips unicode exactly', async () => {
        const stream = uniqueStream();
        const text = '投诉整改五步法 — naïve café 🧾👩🏽‍💼 \u0000 \u2028 "quotes" \\ back';
        await store.appendToStream(stream, [event('Unicode', { text, [text]: text }, { note: text })]);
        const [read] = await store.readStream(stream);
        expect(read!.data).toEqual({ text, [text]: text });
        expect(read!.metadata.note).toBe(text);
        expect(new ChainVerifier().accept(read!)).toBe(true);
      });

      it('hashes values the way they are stored (dates, undefined members)', async () => {
        const stream = uniqueStream();
        const at = new Date('2026-11-25T10:00:00.000Z');
        await store.appendToStream(stream, [event('Dated', { at, list: [1, undefined, 3], gone: undefined } as Record<string, unknown>)]);
        const [read] = await store.readStream(stream);
        expect(read!.data).toEqual({ at: '2026-11-25T10:00:00.000Z', list: [1, null, 3] });
        expect(new ChainVerifier().accept(read!)).toBe(true);
      });

      it('stores and reads back a 1 MiB event', async () => {
        const stream = uniqueStream();
        const body = 'x'.repeat(1024 * 1024);
        await store.appendToStream(stream, [event('Large', { body })]);
        const [read] = await store.readStream(stream);
        expect((read!.data.body as string).length).toBe(1024 * 1024);
        expect(read!.data.body).toBe(body);
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of N appenders at the same revision win', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [event('Start')], 'no_stream');
        const attempts = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => store.appendToStream(stream, [event(`Try${i}`)], 0)));
        const won = attempts.filter((a) => a.status === 'fulfilled');
        const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(15);
        for (const loss of lost) {
          expect(loss.reason).toBeInstanceOf(WrongExpectedRevisionError);
          expect((loss.reason as WrongExpectedRevisionError).actual).toBe(1);
        }
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('loses nothing when N appenders race on one stream, retrying on conflict', async () => {
        const stream = uniqueStream();
        const appenders = 8;
        const each = 10;
        let conflicts = 0;
        await Promise.all(
          Array.from({ length: appenders }, async (_, a) => {
            for (let i = 0; i < each; i += 1) {
              for (;;) {
                const [head] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
                try {
                  await store.appendToStream(stream, [event(`A${a}-${i}`)], head ? head.revision : 'no_stream');
                  break;
                } catch (error) {
                  if (!(error instanceof WrongExpectedRevisionError)) throw error;
                  conflicts += 1;
                }
              }
            }
          }),
        );
        const events = await store.readStream(stream);
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: appenders * each }, (_, i) => i));
        expect(new Set(events.map((e) => e.type)).size).toBe(appenders * each);
        for (let a = 0; a < appenders; a += 1) {
          const mine = events.filter((e) => e.type.startsWith(`A${a}-`)).map((e) => e.type);
          expect(mine).toEqual(Array.from({ length: each }, (_, i) => `A${a}-${i}`));
        }
        expect(conflicts).toBeGreaterThan(0);
        const verifier = new ChainVerifier();
        expect(events.every((e) => verifier.accept(e))).toBe(true);
      });

      it('keeps the chain intact when appenders with expectation any race on one stream', async () => {
        const stream = uniqueStream();
        await Promise.all(Array.from({ length: 16 }, (_, i) => store.appendToStream(stream, [event(`Any${i}a`), event(`Any${i}b`)], 'any')));
        const events = await store.readStream(stream);
        expect(events).toHaveLength(32);
        const verifier = new ChainVerifier();
        expect(events.every((e) => verifier.accept(e))).toBe(true);
        for (let i = 0; i < 16; i += 1) {
          const at = events.findIndex((e) => e.type === `Any${i}a`);
          expect(events[at + 1]?.type).toBe(`Any${i}b`);
        }
      });
    });

    describe('hash chain', () => {
      it('links each event to the previous one of its stream across appends', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [event('A'), event('B')]);
        await store.appendToStream(stream, [event('C')], 1);
        const events = await store.readStream(stream);
        expect(events[0]!.metadata.prevHash).toBe(GENESIS);
        expect(events[1]!.metadata.prevHash).toBe(events[0]!.metadata.hash);
        expect(events[2]!.metadata.prevHash).toBe(events[1]!.metadata.hash);
        const verifier = new ChainVerifier();
        expect(events.every((e) => verifier.accept(e))).toBe(true);
      });
    });
  });
};
