import fc from 'fast-check';
import type { RecordedEvent } from '@redress/event-store';
import { ID, run, script } from '../../../domain/src/testing/complaint-scripts';
import { caseFact, casesProjection, type CaseDocument } from './cases';

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
      fc.property(script, (steps) => {
        const { state, history } = run(steps);
        let document: (CaseDocument & { _position: number }) | undefined;
        for (const event of recorded(history)) document = { ...casesProjection.evolve(document, event), _position: event.position } as CaseDocument & { _position: number };
        if (!document) return;
        // A derived field named like a state field would shadow it and corrupt the next fold.
        for (const [key, value] of Object.entries(state)) expect({ key, value: document[key] }).toEqual({ key, value });
        expect(document.revision).toBe(history.length - 1);
        expect(document.timeline.map((entry) => entry.type)).toEqual(history.map((event) => event.type));
        const fact = caseFact(document);
        expect(fact.status).toBe(state.status);
        expect(fact.substantiated).toBe(state.rootCause === undefined ? null : state.rootCause.substantiated ? 1 : 0);
        expect(fact.escalations).toBe(history.filter((event) => event.type === 'ComplaintEscalated').length);
        expect(fact.breached).toBe(state.slaBreaches.length > 0 ? 1 : 0);
      }),
      { numRuns: 150 },
    );
  });
});
