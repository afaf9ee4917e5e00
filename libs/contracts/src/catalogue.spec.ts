import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { EVENT_TYPES, eventTypeEntry, publishedCatalogue, renderCatalogue, upcast } from './catalogue';

describe('the event catalogue', () => {
  const catalogue = publishedCatalogue();

  it('publishes every event type once, with an example its own codec accepts', () => {
    expect(catalogue.map((entry) => entry.type)).toEqual(EVENT_TYPES);
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    for (const entry of catalogue) expect({ type: entry.type, valid: E.isRight(eventTypeEntry(entry.type)?.data.decode(entry.example) ?? E.left([])) }).toEqual({ type: entry.type, valid: true });
  });

  it('every older version of every type has its upcaster to the next', () => {
    for (const type of EVENT_TYPES) {
      const entry = eventTypeEntry(type);
      for (let version = 1; version < (entry?.version ?? 1); version += 1) expect({ type, version, upcaster: typeof entry?.upcasters?.[version] }).toEqual({ type, version, upcaster: 'function' });
    }
  });

  it('docs/events.md is what `npm run catalogue` renders now (run it after changing an event)', () => {
    expect(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'events.md'), 'utf8')).toBe(renderCatalogue(catalogue));
  });

  it('upcasts ComplaintReceived version 1 to version 2, and leaves current and unknown events alone', () => {
    const v1 = { complaintId: 'c', subject: 's' };
    expect(upcast('ComplaintReceived', 1, v1)).toEqual({ data: { complaintId: 'c', subject: 's', language: 'und' }, version: 2 });
    expect(upcast('ComplaintReceived', 2, { ...v1, language: 'en' })).toEqual({ data: { ...v1, language: 'en' }, version: 2 });
    expect(upcast('ComplaintClosed', 1, { outcome: 'resolved' })).toEqual({ data: { outcome: 'resolved' }, version: 1 });
    expect(upcast('SomethingElse', 3, { x: 1 })).toEqual({ data: { x: 1 }, version: 3 });
    expect(catalogue.find((entry) => entry.type === 'ComplaintReceived')).toMatchObject({ version: 2, olderVersions: [1] });
  });
});
