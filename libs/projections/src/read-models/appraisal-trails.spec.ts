import type { RecordedEvent } from '@redress/event-store';
import { appraisalTrailsProjection, type Mark } from './appraisal-trails';

const event = (revision: number, type: string, data: Record<string, unknown>, occurredAt: string, streamName = 'complaint-c1'): RecordedEvent =>
  ({ id: `e-${revision}`, streamName, revision, position: revision + 1, type, data, metadata: { occurredAt, prevHash: '', hash: '' }, recordedAt: occurredAt }) as unknown as RecordedEvent;

const DEADLINES = { policyVersion: 1, acknowledge: '2026-10-01T12:00:00.000Z', classify: '2026-10-01T16:00:00.000Z', resolution_proposed: '2026-10-02T12:00:00.000Z', final_response: '2026-10-02T12:00:00.000Z' };

describe('the appraisal trail projection', () => {
  it('marks the events appraisal reads, each with its revision and time', () => {
    const history = [
      // Received "tomorrow" by the body's account: never later than it was recorded.
      event(0, 'ComplaintReceived', { receivedAt: '2026-10-02T00:00:00.000Z' }, '2026-10-01T08:00:00.000Z'),
      event(1, 'ComplaintClassified', { category: 'billing', severity: 'high', urgency: 'normal', department: 'finance', sla: DEADLINES }, '2026-10-01T09:00:00.000Z'),
      event(2, 'ComplaintAssigned', { assignee: 'h-1' }, '2026-10-01T10:00:00.000Z'),
      event(3, 'InvestigationNoteAdded', { note: 'n' }, '2026-10-01T11:00:00.000Z'),
      event(4, 'RootCauseIdentified', { category: 'x', description: 'd', substantiated: true, attributedTo: { staff: ['h-1'] } }, '2026-10-02T00:00:00.000Z'),
      event(5, 'ComplaintClosed', { outcome: 'resolved', summary: 's', closedAt: '2026-10-03T00:00:00.000Z' }, '2026-10-03T00:00:00.000Z'),
      // Recorded a day late: timed at the deadline it missed.
      event(6, 'SlaBreached', { step: 'final_response', deadline: '2026-10-02T12:00:00.000Z' }, '2026-10-03T12:00:00.000Z'),
    ];
    expect(history.map((e) => appraisalTrailsProjection.keyOf(e))).toEqual(['c1', 'c1', 'c1', undefined, 'c1', 'c1', 'c1']);
    expect(appraisalTrailsProjection.keyOf(event(0, 'RectificationDispatched', {}, '2026-10-01T00:00:00.000Z', 'rectification-r1'))).toBeUndefined();
    let marks: readonly Mark[] | undefined;
    for (const e of history) if (appraisalTrailsProjection.keyOf(e)) marks = appraisalTrailsProjection.evolve(marks, e);
    const at = (iso: string) => Date.parse(iso);
    expect(marks).toEqual([
      [0, at('2026-10-01T08:00:00.000Z'), 'received'],
      [1, at('2026-10-01T09:00:00.000Z'), 'classified', 'billing', 'high', 'finance', true],
      [2, at('2026-10-01T10:00:00.000Z'), 'assigned', 'h-1', null],
      [4, at('2026-10-02T00:00:00.000Z'), 'finding', true, ['h-1'], null],
      [5, at('2026-10-03T00:00:00.000Z'), 'closed', 'resolved'],
      [6, at('2026-10-02T12:00:00.000Z'), 'breached'],
    ]);
    // Stored as JSON and loaded back, the trail folds on unchanged.
    const stored = JSON.parse(JSON.stringify(appraisalTrailsProjection.render(marks as readonly Mark[])));
    expect(appraisalTrailsProjection.load(stored)).toEqual(marks);
  });

  it('says whether a classification set deadlines: an imported case has none', () => {
    const imported = event(1, 'ComplaintClassified', { category: 'billing', severity: 'high', urgency: 'normal', department: 'finance' }, '2026-10-01T09:00:00.000Z');
    expect(appraisalTrailsProjection.evolve(undefined, imported)).toEqual([[1, Date.parse('2026-10-01T09:00:00.000Z'), 'classified', 'billing', 'high', 'finance', false]]);
  });
});
