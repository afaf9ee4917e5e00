import * as E from 'fp-ts/Either';
import type { ImportMapping } from '@redress/contracts';
import { evolve, initialState } from '../complaint';
import { historicComplaint, planImport, type ImportPlan, type SourceRecord } from './historic-complaint';

const mapping: ImportMapping = {
  source: 'legacy',
  columns: {
    Ref: 'externalRef',
    Opened: 'receivedAt',
    Via: 'channel',
    Title: 'subject',
    Text: 'content',
    Who: 'complainant.name',
    Kind: 'category',
    Prio: 'severity',
    Dept: 'department',
    Owner: 'assignee',
    Result: 'outcome',
    Closed: 'closedAt',
    Note: 'summary',
  },
  values: { channel: { Phone: 'phone', 电话: 'phone' }, category: { Billing: 'billing' }, severity: { P1: 'critical' }, outcome: { Fixed: 'resolved' } },
  dates: { formats: ['YYYY-MM-DD HH:mm', 'DD/MM/YYYY'], utcOffset: '+08:00' },
  defaults: { department: 'service', severity: 'medium' },
};
const plan = (): ImportPlan => {
  const planned = planImport(mapping);
  if (E.isLeft(planned)) throw new Error(planned.left.join('; '));
  return planned.right;
};
const NOW = '2026-11-26T00:00:00.000Z';
/** Stands in for the real derivation (a UUID from the reference). */
const ID = '0190a8d2-5c1e-5a00-8000-00000000000a';
const idOf = () => ID;
const row = (overrides: Record<string, string> = {}): SourceRecord => ({
  Ref: 'T-1',
  Opened: '2024-03-01 09:15',
  Via: 'Phone',
  Title: 'Charged twice',
  Text: 'February was charged twice',
  Who: 'Wang Fang',
  Kind: 'Billing',
  Prio: 'P1',
  Dept: 'finance',
  Owner: 'li.na',
  Result: 'Fixed',
  Closed: '05/03/2024',
  Note: 'Refunded',
  ...overrides,
});
const problems = (record: SourceRecord) => {
  const result = historicComplaint(plan(), record, NOW, idOf);
  return E.isLeft(result) ? result.left : [];
};

describe('planImport (the mapping file)', () => {
  it('accepts a complete mapping', () => {
    expect(E.isRight(planImport(mapping))).toBe(true);
  });

  it('names every problem at once', () => {
    const broken: ImportMapping = {
      source: 'legacy',
      columns: { A: 'externalRef', B: 'externalRef', C: 'outcome' },
      values: { channel: { Fax: 'fax' } },
      dates: { formats: ['DD.MM', 'YYYY-MM-DD'], utcOffset: '8h' },
    };
    expect(planImport(broken)).toEqual(
      E.left([
        'columns: externalRef is fed by both "A" and "B"',
        'columns: no column is mapped to receivedAt, which every complaint needs',
        'columns: no column is mapped to subject, which every complaint needs',
        'columns: no column is mapped to channel and defaults.channel is not set',
        'columns: outcome is mapped but closedAt is not (a closed case needs its closing date)',
        'values.channel: "Fax" → "fax", which is not one of phone, email, web, chat, social, in_store, app, letter, referral',
        'dates.formats: "DD.MM" needs YYYY, MM and DD once each (and may have HH, mm, ss)',
        'dates.utcOffset: "8h" is not an offset like +08:00',
      ]),
    );
  });
});

describe('historicComplaint (one row as a complaint history)', () => {
  it('writes received, classified, assigned and closed, in the source time zone, with no Redress deadlines', () => {
    const result = historicComplaint(plan(), row(), NOW, idOf);
    expect(result).toEqual(
      E.right({
        externalRef: 'T-1',
        complaintId: ID,
        events: [
          {
            type: 'ComplaintReceived',
            occurredAt: '2024-03-01T01:15:00.000Z',
            data: {
              complaintId: ID,
              complainantId: ID,
              channel: 'phone',
              complainant: { anonymous: false, name: 'Wang Fang' },
              subject: 'Charged twice',
              content: 'February was charged twice',
              receivedAt: '2024-03-01T01:15:00.000Z',
              language: 'und',
              externalRef: 'T-1',
            },
          },
          { type: 'ComplaintClassified', occurredAt: '2024-03-01T01:15:00.000Z', data: { category: 'billing', severity: 'critical', urgency: 'normal', department: 'finance' } },
          { type: 'ComplaintAssigned', occurredAt: '2024-03-01T01:15:00.000Z', data: { assignee: 'li.na', department: 'finance' } },
          { type: 'ComplaintClosed', occurredAt: '2024-03-04T16:00:00.000Z', data: { outcome: 'resolved', summary: 'Refunded', closedAt: '2024-03-04T16:00:00.000Z' } },
        ],
      }),
    );
    // Folded by the domain: a closed case that never had deadlines, so none can be breached.
    const state = E.isRight(result) ? result.right.events.reduce((s, e, i) => evolve(s, { type: e.type, data: e.data, at: e.occurredAt, revision: i } as never), initialState) : initialState;
    expect(state).toMatchObject({ status: 'closed', sla: undefined, assignee: 'li.na', department: 'finance', externalRef: 'T-1' });
  });

  it('an open case the old system classified and assigned is assigned here too, and an owner needs a category', () => {
    const open = historicComplaint(plan(), row({ Result: '', Closed: '', Note: '' }), NOW, idOf);
    const state = E.isRight(open) ? open.right.events.reduce((s, e, i) => evolve(s, { type: e.type, data: e.data, at: e.occurredAt, revision: i } as never), initialState) : initialState;
    // It was never acknowledged here (that would invent a first response); it used to fold to `received`.
    expect(state).toMatchObject({ status: 'assigned', acknowledged: false, assignee: 'li.na', classification: { category: 'billing' } });
    expect(problems(row({ Kind: '', Result: '', Closed: '', Note: '' }))).toEqual(['assignee (column "Owner"): the row has no category, and a case is classified before it is assigned']);
  });

  it('writes only what the row says: an open, unclassified case with defaults and translations found regardless of case', () => {
    const result = historicComplaint(plan(), row({ Via: '电话', Kind: '', Prio: '', Dept: '', Owner: '', Result: '', Closed: '', Note: '', Text: '' }), NOW, idOf);
    expect(E.isRight(result) && result.right.events.map((e) => e.type)).toEqual(['ComplaintReceived']);
    expect(E.isRight(result) && result.right.events[0]?.data.content).toBe('Charged twice');
    const lower = historicComplaint(plan(), row({ Via: 'PHONE', Kind: 'billing', Prio: '', Dept: '', Result: 'fixed' }), NOW, idOf);
    expect(E.isRight(lower) && lower.right.events[1]?.data).toEqual({ category: 'billing', severity: 'medium', urgency: 'normal', department: 'service' });
    expect(E.isRight(lower) && lower.right.events[3]?.data.outcome).toBe('resolved');
  });

  it('rejects a row with every reason, naming field and column', () => {
    expect(problems(row({ Ref: ' ', Opened: '2024-02-30 10:00', Via: 'Fax', Kind: 'Weather', Closed: '', Title: '' }))).toEqual([
      'externalRef (column "Ref"): missing',
      'subject (column "Title"): missing',
      'receivedAt (column "Opened"): "2024-02-30 10:00" is not a date in ISO 8601 or YYYY-MM-DD HH:mm or DD/MM/YYYY from 1970 to 9999',
      'channel (column "Via"): "Fax" is not a known channel (map it under values.channel, or use one of phone, email, web, chat, social, in_store, app, letter, referral)',
      'category (column "Kind"): "Weather" is not a known category (map it under values.category, or use one of product_quality, service_attitude, billing, logistics, privacy, other)',
      'closedAt (column "Closed"): missing, and the row has an outcome (a closed case needs its closing date)',
    ]);
  });

  it('rejects dates out of order or still to come, and values the event codecs refuse', () => {
    expect(problems(row({ Closed: '29/02/2024' }))).toEqual(['closedAt (column "Closed"): 2024-02-28T16:00:00.000Z is before the complaint was received (2024-03-01T01:15:00.000Z)']);
    expect(problems(row({ Opened: '2027-01-01T00:00:00Z', Result: '', Closed: '' }))).toEqual(['receivedAt (column "Opened"): 2027-01-01T00:00:00.000Z is in the future']);
    expect(problems(row({ Title: 'x'.repeat(301) }))).toEqual(['subject (column "Title"): must be at most 300 characters']);
    expect(problems(row({ Result: '', Note: '' }))).toEqual(['outcome (column "Result"): missing, and the row has a closing date']);
    // An offset no clock has once stopped the whole import (decoding threw): it is a bad date like any other.
    expect(problems(row({ Opened: '2024-03-01T09:15:00+24:00', Result: '', Closed: '' }))).toEqual([expect.stringMatching(/^receivedAt \(column "Opened"\): "2024-03-01T09:15:00\+24:00" is not a date/)]);
    // Before 1970 is no time an instant may have (a time outside 1970–9999 would not compare with the others as text).
    expect(problems(row({ Opened: '1969-12-31T23:00:00Z', Result: '', Closed: '' }))).toEqual([expect.stringMatching(/^receivedAt \(column "Opened"\): "1969-12-31T23:00:00Z" is not a date in .* from 1970 to 9999$/)]);
    expect(problems(row({ Opened: '1969-12-31 09:15', Result: '', Closed: '' }))).toEqual([expect.stringMatching(/^receivedAt \(column "Opened"\): .*1970 to 9999/)]);
  });

  it('takes a closing written as a day only, on the day of receipt, as closed at receipt', () => {
    const result = historicComplaint(plan(), row({ Closed: '01/03/2024' }), NOW, idOf);
    expect(E.isRight(result) && result.right.events[3]?.data.closedAt).toBe('2024-03-01T01:15:00.000Z');
  });

  it('tries the next date pattern when one fits the text but not as a real date, refuses two patterns that read the same dates two ways, trims the mapping’s value keys, and says a missing channel is missing', () => {
    const planned = planImport({ ...mapping, dates: { formats: ['MMDDYYYY', 'YYYYMMDD'], utcOffset: '+00:00' }, values: { ...mapping.values, channel: { 'Phone ': 'phone' } } });
    if (E.isLeft(planned)) throw new Error(planned.left.join('; '));
    // 20240312 fits MMDDYYYY as month 20: no date, so YYYYMMDD reads it.
    const result = historicComplaint(planned.right, row({ Opened: '20240312', Result: '', Closed: '' }), NOW, idOf);
    expect(E.isRight(result) && [result.right.events[0]?.occurredAt, result.right.events[0]?.data.channel]).toEqual(['2024-03-12T00:00:00.000Z', 'phone']);
    const twoWays = 'read the same dates two ways (the day and the month in opposite orders): keep the order the source writes';
    expect(planImport({ ...mapping, dates: { formats: ['MM/DD/YYYY', 'DD/MM/YYYY'], utcOffset: '+00:00' } })).toEqual(E.left([`dates.formats: "MM/DD/YYYY" and "DD/MM/YYYY" ${twoWays}`]));
    // With a time and without: 03/04/2023 10:00 would be 4 March and 03/04/2023 3 April. A time and the same order is fine.
    expect(planImport({ ...mapping, dates: { formats: ['MM/DD/YYYY HH:mm', 'DD/MM/YYYY'], utcOffset: '+00:00' } })).toEqual(E.left([`dates.formats: "MM/DD/YYYY HH:mm" and "DD/MM/YYYY" ${twoWays}`]));
    expect(E.isRight(planImport({ ...mapping, dates: { formats: ['DD/MM/YYYY HH:mm', 'DD/MM/YYYY', 'YYYY-MM-DD'], utcOffset: '+00:00' } }))).toBe(true);
    // Formats without the zone their times are in: UTC by default shifted every one of them unsaid.
    expect(planImport({ ...mapping, dates: { formats: ['DD/MM/YYYY'] } })).toEqual(
      E.left(['dates.utcOffset: say the zone the formats\' times are in, e.g. "+08:00" (an import begun without it read them as UTC: "+00:00" carries it on)']),
    );
    // The time first, or after a T: the date is what is compared.
    expect(planImport({ ...mapping, dates: { formats: ['HH:mm DD/MM/YYYY', 'MM/DD/YYYY'], utcOffset: '+00:00' } })).toEqual(E.left([`dates.formats: "HH:mm DD/MM/YYYY" and "MM/DD/YYYY" ${twoWays}`]));
    expect(planImport({ ...mapping, dates: { formats: ['DD/MM/YYYYTHH:mm', 'MM/DD/YYYY'], utcOffset: '+00:00' } })).toEqual(E.left([`dates.formats: "DD/MM/YYYYTHH:mm" and "MM/DD/YYYY" ${twoWays}`]));
    expect(E.isRight(planImport({ ...mapping, dates: { formats: ['HH:mm DD/MM/YYYY', 'HH:mm YYYY-MM-DD'], utcOffset: '+00:00' } }))).toBe(true);
    // Before, the row was rejected with no reason at all.
    expect(problems(row({ Via: '' }))).toEqual(['channel (column "Via"): missing, and defaults.channel is not set']);
  });

  it('reads ISO 8601 with its own zone whatever the mapping says', () => {
    const result = historicComplaint(plan(), row({ Opened: '2024-03-01T09:15:00+01:00', Result: '', Closed: '' }), NOW, idOf);
    expect(E.isRight(result) && result.right.events[0]?.occurredAt).toBe('2024-03-01T08:15:00.000Z');
  });
});
