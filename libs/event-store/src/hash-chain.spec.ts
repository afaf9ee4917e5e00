import fc from 'fast-check';
import type { Json, JsonObject, RecordedEvent } from './event-store';
import { ChainVerifier, GENESIS, canonicalJson, chainEvents } from './hash-chain';

const json: fc.Arbitrary<Json> = fc.jsonValue() as fc.Arbitrary<Json>;
const jsonObject = fc.dictionary(fc.string(), json) as fc.Arbitrary<JsonObject>;

/** Reverses key order at every level, keeping the value equal. */
const reorder = (value: Json): Json => {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(reorder);
  return Object.fromEntries(Object.keys(value).reverse().map((key) => [key, reorder(value[key] as Json)]));
};

const record = (streamName: string, events: ReturnType<typeof chainEvents>): RecordedEvent[] =>
  events.map((event, i) => ({ ...event, streamName, position: i + 1, recordedAt: '2026-11-25T00:00:00.000Z' }));

const chainOf = (payloads: JsonObject[]): RecordedEvent[] =>
  record(
    'complaint-1',
    chainEvents(
      'complaint-1',
      undefined,
      payloads.map((data, i) => ({ id: `e${i}`, type: 'Happened', data, metadata: { actor: 'u' } })),
    ),
  );

const verifies = (events: readonly RecordedEvent[]): boolean => {
  const verifier = new ChainVerifier();
  return events.every((e) => verifier.accept(e));
};

describe('hash chain', () => {
  it('canonical JSON does not depend on key order and parses back to the same value', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(reorder(value))).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('verifies every chain it builds, starting from GENESIS', () => {
    fc.assert(
      fc.property(fc.array(jsonObject, { minLength: 1, maxLength: 8 }), (payloads) => {
        const events = chainOf(payloads);
        expect(events[0]?.metadata.prevHash).toBe(GENESIS);
        expect(verifies(events)).toBe(true);
      }),
    );
  });

  it('detects any change to the data of any event', () => {
    fc.assert(
      fc.property(fc.array(jsonObject, { minLength: 1, maxLength: 6 }), fc.nat(), json, (payloads, at, replacement) => {
        const events = chainOf(payloads);
        const i = at % events.length;
        const target = events[i] as RecordedEvent;
        const changed = { ...target.data, tampered: replacement };
        fc.pre(canonicalJson(changed) !== canonicalJson(target.data));
        events[i] = { ...target, data: changed };
        expect(verifies(events)).toBe(false);
      }),
    );
  });

  it('detects a dropped or swapped event', () => {
    fc.assert(
      fc.property(fc.array(jsonObject, { minLength: 2, maxLength: 6 }), fc.nat(), (payloads, at) => {
        const events = chainOf(payloads);
        const i = at % (events.length - 1);
        const dropped = events.filter((_, j) => j !== i);
        const swapped = [...events];
        [swapped[i], swapped[i + 1]] = [events[i + 1] as RecordedEvent, events[i] as RecordedEvent];
        expect(verifies(dropped)).toBe(false);
        expect(verifies(swapped)).toBe(false);
      }),
    );
  });

  it('replaces chain fields a writer tried to set', () => {
    const [event] = chainEvents('s', undefined, [{ id: 'e', type: 'T', data: {}, metadata: { prevHash: 'forged', hash: 'forged' } }]);
    expect(event?.metadata.prevHash).toBe(GENESIS);
    expect(event?.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifies(record('s', [event!]))).toBe(true);
  });
});
