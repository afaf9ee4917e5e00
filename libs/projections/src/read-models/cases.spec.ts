import fc from 'fast-check';
import type { RecordedEvent } from '@redress/event-store';
import { ID, run, script } from '../../../domain/src/testing/complaint-scripts';
import { casesProjection, type CaseDocument } from './cases';

/** A script's events as the store would hand them back: JSON, with position, revision and metadata. */
const recorded = (history: ReturnType<typeof run>['history']): RecordedEvent[] =>
  history.map((event, revision) => ({
    id: `e-${revision}`,
    streamName: `complaint-${ID}`,
    revision,
    position: revision + 1,
    type: event.type,
    data: JSON.parse(JSON.stringify(event.data)),
    metadata: { actor: { user: 'u', role: 'handler' }, occurredAt: event.at as string, prevHash: '', hash: '' },
    recordedAt: event.at as string,
  }));

describe('the case view projection', () => {
  it('holds exactly the aggregate’s state beside its own fields, whatever the history', () => {
    fc.assert(
      fc.property(script, fc.array(fc.nat(), { maxLength: 20 }), (steps, cuts) => {
        const { state, history } = run(steps);
        // As the runner folds: stored (rendered, as JSON) and loaded again only at batch ends — here random ones, or after every event; both must agree.
        type Stored = CaseDocument & { _position: number };
        const ends = new Set(cuts.map((cut) => cut % Math.max(1, history.length)));
        const fold = (storeAt: (i: number) => boolean): Stored | undefined => {
          let folded: ReturnType<typeof casesProjection.load> | undefined;
          let stored: Stored | undefined;
          recorded(history).forEach((event, i) => {
            folded = casesProjection.evolve(folded, event);
            if (storeAt(i) || i === history.length - 1) {
              stored = JSON.parse(JSON.stringify({ ...casesProjection.render(folded), _id: ID, _position: event.position })) as Stored;
              folded = casesProjection.load(stored);
            }
          });
          return stored;
        };
        const document = fold((i) => ends.has(i));
        expect(document).toEqual(fold(() => true));
        if (!document) return;
        // A derived field named like a state field would shadow it and corrupt the next fold.
        for (const [key, value] of Object.entries(state)) expect({ key, value: document[key] }).toEqual({ key, value });
        expect(document.revision).toBe(history.length - 1);
        expect(document.timeline.events).toBe(history.length);
        expect(Object.keys(document.timeline.firsts)).toEqual([...new Set(history.map((event) => event.type))]);
        expect(document.timeline.last).toEqual({ type: history.at(-1)?.type, at: history.at(-1)?.at, actor: 'u' });
        expect(document.substantiated).toBe(state.rootCause === undefined ? null : state.rootCause.substantiated);
        expect(document.timeline.escalations).toBe(history.filter((event) => event.type === 'ComplaintEscalated').length);
        expect(document.breached).toBe(state.slaBreaches.length > 0);
      }),
      { numRuns: 150 },
    );
  });
});
