import type { ComplaintEvent } from '@redress/contracts';
import { deciderSpecification } from '../testing/decider-specification';
import type { ComplaintCommand } from './command';
import { complaintDecider } from './decider';
import { heldSlaPolicyVersion, type DecisionContext } from './decide';
import { foldComplaint } from './decider';
import { DEFAULT_COMPLAINT_POLICY } from './policy';
import { DEFAULT_SLA_POLICY } from '../sla/sla';

const NOW = '2026-11-25T10:00:00.000Z';
const ID = '0190a5f0-0000-7000-8000-000000000001';
const HANDLER = { user: 'handler-1', role: 'handler' };
const SUPERVISOR = { user: 'sup-1', role: 'supervisor' };
const ctx = (now = NOW, actor: DecisionContext['actor'] = HANDLER): DecisionContext => ({
  now,
  actor,
  newId: () => 'complainant-generated',
  policy: DEFAULT_COMPLAINT_POLICY,
  sla: { version: 3, policy: DEFAULT_SLA_POLICY },
});
/** Decided by handler-1, the owner of the cases below. */
const given = deciderSpecification(complaintDecider, ctx);
const givenAt = (now: string) => deciderSpecification(complaintDecider, () => ctx(now));
const givenBy = (actor: DecisionContext['actor']) => deciderSpecification(complaintDecider, () => ctx(NOW, actor));

// Histories at each step of the lifecycle. Received 08:00; medium targets 24 h, 48 h, 7 d, 28 d.
const mediumDeadlines = {
  policyVersion: 3,
  acknowledge: '2026-11-26T08:00:00.000Z',
  classify: '2026-11-27T08:00:00.000Z',
  resolution_proposed: '2026-12-02T08:00:00.000Z',
  final_response: '2026-12-23T08:00:00.000Z',
};
const received: ComplaintEvent[] = [
  {
    type: 'ComplaintReceived',
    data: {
      complaintId: ID,
      complainantId: 'cust-1',
      channel: 'phone',
      complainant: { anonymous: false, name: 'Li Wei', contact: '+86 138 0000 0000', customerType: 'individual' },
      subject: 'Parcel arrived damaged',
      content: 'The box was soaked and the vase broken.',
      receivedAt: '2026-11-25T08:00:00.000Z',
      language: 'zh-CN',
    },
  },
];
const acknowledged: ComplaintEvent[] = [...received, { type: 'ComplaintAcknowledged', data: {} }];
const classified: ComplaintEvent[] = [
  ...acknowledged,
  { type: 'ComplaintClassified', data: { category: 'logistics', severity: 'medium', urgency: 'normal', department: 'delivery', sla: mediumDeadlines } },
];
const assigned: ComplaintEvent[] = [...classified, { type: 'ComplaintAssigned', data: { assignee: 'handler-1' } }];
const rootCause = { category: 'packaging', description: 'Box not waterproof', substantiated: true, attributedTo: { department: 'delivery' } };
const investigated: ComplaintEvent[] = [...assigned, { type: 'RootCauseIdentified', data: rootCause }];
const apology = { type: 'apology' as const };
const refund = (amount: number) => ({ type: 'refund' as const, amount, currency: 'CNY' });
const proposedWithin: ComplaintEvent[] = [
  ...investigated,
  { type: 'ResolutionProposed', data: { summary: 'Refund the vase', remedies: [apology, refund(200)], proposedBy: 'handler-1', needsApproval: false } },
];
const proposedBeyond: ComplaintEvent[] = [
  ...investigated,
  { type: 'ResolutionProposed', data: { summary: 'Refund and compensate', remedies: [refund(450), { ...refund(100), type: 'compensation' }], proposedBy: 'handler-1', needsApproval: true } },
];
const approved: ComplaintEvent[] = [...proposedBeyond, { type: 'ResolutionApproved', data: {} }];
const implemented: ComplaintEvent[] = [...proposedWithin, { type: 'ResolutionImplemented', data: { notifiedVia: 'phone' } }];
const followedUp: ComplaintEvent[] = [...implemented, { type: 'FollowUpRecorded', data: { satisfaction: 4, method: 'phone' } }];
const closed: ComplaintEvent[] = [...followedUp, { type: 'ComplaintClosed', data: { outcome: 'resolved', summary: 'Refunded', closedAt: NOW } }];
const rejected: ComplaintEvent[] = [...acknowledged, { type: 'ComplaintRejected', data: { reason: 'abusive', explanation: 'Threats to staff' } }];
const withdrawn: ComplaintEvent[] = [...received, { type: 'ComplaintWithdrawn', data: {} }];

type WithBody = Extract<ComplaintCommand, { body: unknown }>;
const command = <T extends WithBody['type']>(type: T, body: Extract<WithBody, { type: T }>['body']) => ({ type, body }) as ComplaintCommand;

describe('complaint decider', () => {
  describe('receive', () => {
    const body = {
      channel: 'web' as const,
      complainant: { name: 'Ana', contact: 'ana@example.com', customerType: 'individual' as const },
      subject: 'Overcharged',
      content: 'Charged twice for one order',
    };

    it('records the complaint, giving a new complainant an id and the decision time as received-at', () =>
      given([])
        .when({ type: 'ReceiveComplaint', complaintId: ID, body })
        .then([
          {
            type: 'ComplaintReceived',
            data: {
              complaintId: ID,
              complainantId: 'complainant-generated',
              channel: 'web',
              complainant: { name: 'Ana', contact: 'ana@example.com', customerType: 'individual', anonymous: false },
              subject: 'Overcharged',
              content: 'Charged twice for one order',
              receivedAt: NOW,
              language: 'und',
              // Provisional, until classification: the most lenient targets, low's (2 d, 3 d, 14 d, 8 weeks).
              sla: { policyVersion: 3, acknowledge: '2026-11-27T10:00:00.000Z', classify: '2026-11-28T10:00:00.000Z', resolution_proposed: '2026-12-09T10:00:00.000Z', final_response: '2027-01-20T10:00:00.000Z' },
            },
          },
        ]));

    it('keeps no name, contact or customer id of an anonymous complainant', () =>
      given([])
        .when({ type: 'ReceiveComplaint', complaintId: ID, body: { ...body, complainant: { id: 'cust-9', name: 'typed anyway', customerType: 'business', anonymous: true }, receivedAt: '2026-11-20T00:00:00.000Z' } })
        .then([
          {
            type: 'ComplaintReceived',
            data: {
              complaintId: ID,
              complainantId: 'complainant-generated',
              channel: 'web',
              complainant: { anonymous: true, customerType: 'business' },
              subject: 'Overcharged',
              content: 'Charged twice for one order',
              receivedAt: '2026-11-20T00:00:00.000Z',
              language: 'und',
              sla: { policyVersion: 3, acknowledge: '2026-11-22T00:00:00.000Z', classify: '2026-11-23T00:00:00.000Z', resolution_proposed: '2026-12-04T00:00:00.000Z', final_response: '2027-01-15T00:00:00.000Z' },
            },
          },
        ]));

    it('refuses a second receive of the same case', () => given(received).when({ type: 'ReceiveComplaint', complaintId: ID, body }).thenFails('COMPLAINT_ALREADY_EXISTS'));
    it('refuses a complaint received later than now', () => given([]).when({ type: 'ReceiveComplaint', complaintId: ID, body: { ...body, receivedAt: '2026-11-25T10:00:00.001Z' } }).thenFails('RECEIVED_IN_FUTURE'));
    it('compares receivedAt with now as times, not as text: a year past 9999 is later too', () =>
      given([]).when({ type: 'ReceiveComplaint', complaintId: ID, body: { ...body, receivedAt: '+010000-01-01T13:59:00.000Z' } }).thenFails('RECEIVED_IN_FUTURE'));
  });

  describe('acknowledge', () => {
    it('acknowledges once', () => given(received).when(command('AcknowledgeComplaint', { message: 'We are on it' })).then([{ type: 'ComplaintAcknowledged', data: { message: 'We are on it' } }]));
    it('refuses a second acknowledgement', () => given(acknowledged).when(command('AcknowledgeComplaint', {})).thenFails('ALREADY_ACKNOWLEDGED'));
    it('refuses an unknown case', () => given([]).when(command('AcknowledgeComplaint', {})).thenFails('COMPLAINT_NOT_FOUND'));
  });

  describe('classify', () => {
    const body = { category: 'billing' as const, severity: 'high' as const, urgency: 'urgent' as const, department: 'finance' };
    // high + urgent takes critical's targets: 1 h, 4 h, 24 h, 3 days from receipt (08:00), under the policy in force (v3).
    const criticalDeadlines = {
      policyVersion: 3,
      acknowledge: '2026-11-25T09:00:00.000Z',
      classify: '2026-11-25T12:00:00.000Z',
      resolution_proposed: '2026-11-26T08:00:00.000Z',
      final_response: '2026-11-28T08:00:00.000Z',
    };
    // Received here: with the provisional deadlines intake gives every case (low: 48 h to acknowledge …).
    const provisional = { policyVersion: 3, acknowledge: '2026-11-27T08:00:00.000Z', classify: '2026-11-28T08:00:00.000Z', resolution_proposed: '2026-12-09T08:00:00.000Z', final_response: '2027-01-20T08:00:00.000Z' };
    const acknowledgedHere = [{ type: 'ComplaintReceived', data: { ...(received[0]!.data as object), sla: provisional } } as ComplaintEvent, ...acknowledged.slice(1)];
    it('classifies an acknowledged case and stores its deadlines, counted from receipt, with the policy version', () =>
      given(acknowledgedHere).when(command('ClassifyComplaint', body)).then([{ type: 'ComplaintClassified', data: { ...body, sla: criticalDeadlines } }]));
    it('holds a case imported without deadlines to them from its classification here, not from the old system’s receipt', () =>
      given(acknowledged)
        .when(command('ClassifyComplaint', body))
        .then([
          {
            type: 'ComplaintClassified',
            // Critical's targets from now (11-25 10:00).
            data: { ...body, sla: { policyVersion: 3, acknowledge: '2026-11-25T11:00:00.000Z', classify: '2026-11-25T14:00:00.000Z', resolution_proposed: '2026-11-26T10:00:00.000Z', final_response: '2026-11-28T10:00:00.000Z' } },
          },
        ]));
    it('reclassifies during investigation', () => given(investigated).when(command('ClassifyComplaint', body)).then([{ type: 'ComplaintClassified', data: { ...body, sla: criticalDeadlines } }]));
    it('refuses before acknowledgement', () => given(received).when(command('ClassifyComplaint', body)).thenFails('NOT_ACKNOWLEDGED'));
    it('refuses once a resolution is proposed', () => given(proposedWithin).when(command('ClassifyComplaint', body)).thenFails('RESOLUTION_PENDING'));
    it('counts a classification under the policy version the case is held to; the rest under the one in force', () => {
      const held = (history: ComplaintEvent[], type: 'ClassifyComplaint' | 'ReopenComplaint' = 'ClassifyComplaint') =>
        heldSlaPolicyVersion(type === 'ClassifyComplaint' ? command(type, body) : command(type, { reason: 'x' }), foldComplaint(history));
      // A first classification of a case received here: its receipt's version (the provisional deadlines'); of one imported without any: the version in force.
      expect([held(acknowledgedHere), held(acknowledged)]).toEqual([foldComplaint(acknowledgedHere).sla?.policyVersion, undefined]);
      expect(foldComplaint(acknowledgedHere).sla?.policyVersion).toEqual(expect.any(Number));
      // A reclassification: the version of its deadlines (3), also after a reopen set them under another (5).
      const reopenedUnder5 = [...investigated, { type: 'ComplaintReopened', data: { reason: 'x', sla: { ...mediumDeadlines, policyVersion: 5 } } } as ComplaintEvent];
      expect([held(investigated), held(reopenedUnder5)]).toEqual([3, 5]);
      // Classified by an old system (no deadlines): Redress holds it to the version in force from this classification.
      const importedClassified = [...acknowledged, { type: 'ComplaintClassified', data: { category: 'billing', severity: 'low', urgency: 'normal', department: 'finance' } } as ComplaintEvent];
      expect(held(importedClassified)).toBeUndefined();
      // A reopen sets deadlines afresh.
      expect(held(investigated, 'ReopenComplaint')).toBeUndefined();
    });
  });

  describe('assign', () => {
    it('assigns an owner', () => given(classified).when(command('AssignComplaint', { assignee: 'h-1' })).then([{ type: 'ComplaintAssigned', data: { assignee: 'h-1' } }]));
    it('records a reassignment with the previous owner', () =>
      given(assigned)
        .when(command('AssignComplaint', { assignee: 'h-2', department: 'claims' }))
        .then([{ type: 'ComplaintReassigned', data: { assignee: 'h-2', department: 'claims', previousAssignee: 'handler-1' } }]));
    it('refuses before classification', () => given(acknowledged).when(command('AssignComplaint', { assignee: 'h-1' })).thenFails('NOT_CLASSIFIED'));
    it('refuses assigning the same owner again', () => given(assigned).when(command('AssignComplaint', { assignee: 'handler-1' })).thenFails('ASSIGNEE_UNCHANGED'));
  });

  describe('investigate', () => {
    it('adds a note', () => given(assigned).when(command('AddInvestigationNote', { note: 'Called courier' })).then([{ type: 'InvestigationNoteAdded', data: { note: 'Called courier' } }]));
    it('refuses a note without an assignee', () => given(classified).when(command('AddInvestigationNote', { note: 'x' })).thenFails('ASSIGNEE_REQUIRED'));
    it('identifies the root cause', () => given(assigned).when(command('IdentifyRootCause', rootCause)).then([{ type: 'RootCauseIdentified', data: rootCause }]));
    it('refuses a root cause without an assignee', () => given(classified).when(command('IdentifyRootCause', rootCause)).thenFails('ASSIGNEE_REQUIRED'));
    it('refuses a root cause while a resolution is under way', () => given(proposedWithin).when(command('IdentifyRootCause', rootCause)).thenFails('RESOLUTION_PENDING'));
  });

  describe('propose a resolution', () => {
    it('needs no approval within the handler’s authority (500)', () =>
      given(investigated)
        .when(command('ProposeResolution', { summary: 's', remedies: [refund(300), { ...refund(200), type: 'compensation' }] }))
        .then([{ type: 'ResolutionProposed', data: { summary: 's', remedies: [refund(300), { ...refund(200), type: 'compensation' }], proposedBy: 'handler-1', needsApproval: false } }]));
    it('needs approval above the handler’s authority', () =>
      given(investigated)
        .when(command('ProposeResolution', { summary: 's', remedies: [refund(500.01)] }))
        .then([{ type: 'ResolutionProposed', data: { summary: 's', remedies: [refund(500.01)], proposedBy: 'handler-1', needsApproval: true } }]));
    it('refuses without a root cause', () => given(assigned).when(command('ProposeResolution', { summary: 's', remedies: [apology] })).thenFails('ROOT_CAUSE_REQUIRED'));
    it('refuses a second proposal', () => given(proposedWithin).when(command('ProposeResolution', { summary: 's', remedies: [apology] })).thenFails('RESOLUTION_PENDING'));
    it('refuses a refund without an amount', () => given(investigated).when(command('ProposeResolution', { summary: 's', remedies: [{ type: 'refund' }] })).thenFails('REMEDY_AMOUNT_REQUIRED'));
    it('refuses amounts in two currencies', () =>
      given(investigated).when(command('ProposeResolution', { summary: 's', remedies: [refund(10), { ...refund(10), currency: 'EUR' }] })).thenFails('MIXED_CURRENCIES'));
  });

  describe('approve and decline', () => {
    const supervisor = givenBy(SUPERVISOR);
    it('a supervisor approves a remedy beyond authority', () => supervisor(proposedBeyond).when(command('ApproveResolution', { note: 'ok' })).then([{ type: 'ResolutionApproved', data: { note: 'ok' } }]));
    it('declining sends the case back to investigation', () => supervisor(proposedBeyond).when(command('DeclineResolution', { reason: 'too much' })).then([{ type: 'ResolutionDeclined', data: { reason: 'too much' } }]));
    it('refuses approval a remedy does not need', () => supervisor(proposedWithin).when(command('ApproveResolution', {})).thenFails('APPROVAL_NOT_REQUIRED'));
    it('refuses approval with nothing proposed', () => supervisor(investigated).when(command('ApproveResolution', {})).thenFails('NO_RESOLUTION_PROPOSED'));
    it('refuses declining with nothing proposed', () => supervisor(approved).when(command('DeclineResolution', { reason: 'x' })).thenFails('NO_RESOLUTION_PROPOSED'));
    it('refuses approval by whoever proposed it', () =>
      givenBy({ user: 'handler-1', role: 'supervisor' })(proposedBeyond).when(command('ApproveResolution', {})).thenFails('SELF_APPROVAL'));
    it('records who proposed, for the four-eyes rule', () =>
      supervisor(investigated)
        .when(command('ProposeResolution', { summary: 's', remedies: [refund(900)] }))
        .then([{ type: 'ResolutionProposed', data: { summary: 's', remedies: [refund(900)], proposedBy: 'sup-1', needsApproval: true } }]));
  });

  describe('implement', () => {
    const body = { notifiedVia: 'sms' };
    it('implements a remedy within authority', () => given(proposedWithin).when(command('ImplementResolution', body)).then([{ type: 'ResolutionImplemented', data: body }]));
    it('implements an approved remedy', () => given(approved).when(command('ImplementResolution', body)).then([{ type: 'ResolutionImplemented', data: body }]));
    it('refuses an unapproved remedy beyond authority', () => given(proposedBeyond).when(command('ImplementResolution', body)).thenFails('RESOLUTION_NEEDS_APPROVAL'));
    it('refuses with no resolution', () => given(investigated).when(command('ImplementResolution', body)).thenFails('NO_RESOLUTION_PROPOSED'));
    it('refuses a second implementation', () => given(implemented).when(command('ImplementResolution', body)).thenFails('NO_RESOLUTION_PROPOSED'));
  });

  describe('contact, follow up, close', () => {
    const contact = { channel: 'phone' as const, direction: 'outbound' as const, summary: 'Explained' };
    it('records a contact at any open step', () => given(received).when(command('RecordContact', contact)).then([{ type: 'ContactRecorded', data: contact }]));
    it('follows up after implementation', () =>
      given(implemented).when(command('RecordFollowUp', { satisfaction: 5, method: 'survey' })).then([{ type: 'FollowUpRecorded', data: { satisfaction: 5, method: 'survey' } }]));
    it('refuses a follow-up before implementation', () => given(approved).when(command('RecordFollowUp', { satisfaction: 5, method: 'survey' })).thenFails('NOT_IMPLEMENTED'));
    it('closes with the decision time', () =>
      given(followedUp).when(command('CloseComplaint', { outcome: 'resolved', summary: 'done' })).then([{ type: 'ComplaintClosed', data: { outcome: 'resolved', summary: 'done', closedAt: NOW } }]));
    it('closes without a follow-up', () =>
      given(implemented).when(command('CloseComplaint', { outcome: 'partially_resolved', summary: 'done' })).then([{ type: 'ComplaintClosed', data: { outcome: 'partially_resolved', summary: 'done', closedAt: NOW } }]));
    it('refuses to close before implementation', () => given(investigated).when(command('CloseComplaint', { outcome: 'resolved', summary: 'x' })).thenFails('NOT_IMPLEMENTED'));
  });

  const everyWorkCommand: ComplaintCommand[] = [
    command('AcknowledgeComplaint', {}),
    command('ClassifyComplaint', { category: 'other', severity: 'low', urgency: 'normal', department: 'd' }),
    command('AssignComplaint', { assignee: 'h-9' }),
    command('AddInvestigationNote', { note: 'n' }),
    command('IdentifyRootCause', rootCause),
    command('ProposeResolution', { summary: 's', remedies: [apology] }),
    command('ApproveResolution', {}),
    command('DeclineResolution', { reason: 'r' }),
    command('ImplementResolution', { notifiedVia: 'phone' }),
    command('RecordContact', { channel: 'email', direction: 'inbound', summary: 'x' }),
    command('RecordFollowUp', { satisfaction: 3, method: 'email' }),
    command('CloseComplaint', { outcome: 'resolved', summary: 's' }),
    command('RejectComplaint', { reason: 'abusive', explanation: 'e' }),
    command('WithdrawComplaint', {}),
    command('EscalateComplaint', { reason: 'x' }),
  ];

  describe('ownership', () => {
    it('a handler works only the cases assigned to them', () => {
      for (const work of everyWorkCommand) givenBy({ user: 'handler-2', role: 'handler' })(assigned).when(work).thenFails('NOT_CASE_OWNER');
      givenBy({ user: 'handler-2', role: 'handler' })(closed).when(command('ReopenComplaint', { reason: 'r' })).thenFails('NOT_CASE_OWNER');
    });
    it('any handler may work a case nobody owns yet', () => givenBy({ user: 'handler-2', role: 'handler' })(classified).when(command('RecordContact', { channel: 'phone', direction: 'inbound', summary: 's' })).then([{ type: 'ContactRecorded', data: { channel: 'phone', direction: 'inbound', summary: 's' } }]));
    it('department staff add notes to their own department’s cases only', () => {
      givenBy({ user: 'd-1', role: 'department', department: 'delivery' })(assigned).when(command('AddInvestigationNote', { note: 'n' })).then([{ type: 'InvestigationNoteAdded', data: { note: 'n' } }]);
      givenBy({ user: 'd-2', role: 'department', department: 'finance' })(assigned).when(command('AddInvestigationNote', { note: 'n' })).thenFails('NOT_CASE_DEPARTMENT');
      givenBy({ user: 'd-3', role: 'department' })(assigned).when(command('AddInvestigationNote', { note: 'n' })).thenFails('NOT_CASE_DEPARTMENT');
    });
  });

  describe('after close', () => {
    it('accepts nothing but reopen', () => {
      for (const work of everyWorkCommand) given(closed).when(work).thenFails('COMPLAINT_CLOSED');
    });
    it('reopens within 30 days, owing a resolution and a final response by new deadlines counted from the reopen', () =>
      givenAt('2026-12-25T10:00:00.000Z')(closed)
        .when(command('ReopenComplaint', { reason: 'Vase still broken' }))
        .then([
          {
            type: 'ComplaintReopened',
            data: {
              reason: 'Vase still broken',
              // Medium: 7 and 28 days from the reopen; acknowledge and classify keep theirs.
              sla: { ...mediumDeadlines, resolution_proposed: '2027-01-01T10:00:00.000Z', final_response: '2027-01-22T10:00:00.000Z' },
            },
          },
        ]));
    it('keeps a reopened case’s resolution and final response counted from the reopen when it is reclassified', () => {
      const reopenedOn = { type: 'ComplaintReopened', data: { reason: 'x', sla: mediumDeadlines }, at: '2026-12-25T10:00:00.000Z' } as ComplaintEvent;
      given([...closed, reopenedOn])
        .when(command('ClassifyComplaint', { category: 'logistics', severity: 'high', urgency: 'normal', department: 'delivery' }))
        .then([
          {
            type: 'ComplaintClassified',
            data: {
              category: 'logistics',
              severity: 'high',
              urgency: 'normal',
              department: 'delivery',
              // Acknowledge and classify, done long ago, keep their deadlines; high: 3 and 10 days from the reopen.
              sla: { ...mediumDeadlines, resolution_proposed: '2026-12-28T10:00:00.000Z', final_response: '2027-01-04T10:00:00.000Z' },
            },
          },
        ]);
    });
    it('holds a case imported without deadlines to them from its reopen, and to none when it has no classification to count by', () => {
      const imported = closed.map((e) => (e.type === 'ComplaintClassified' ? { ...e, data: { category: 'logistics', severity: 'medium', urgency: 'normal', department: 'delivery' } } : e)) as ComplaintEvent[];
      // Medium from the reopen (11-25 10:00): all four, acknowledge and classify never due (done, or not owed).
      const fromReopen = { policyVersion: 3, acknowledge: '2026-11-26T10:00:00.000Z', classify: '2026-11-27T10:00:00.000Z', resolution_proposed: '2026-12-02T10:00:00.000Z', final_response: '2026-12-23T10:00:00.000Z' };
      given(imported).when(command('ReopenComplaint', { reason: 'x' })).then([{ type: 'ComplaintReopened', data: { reason: 'x', sla: fromReopen } }]);
      // Reclassified after that reopen: counted from the reopen too, never from a receipt in the old system.
      given([...imported, { type: 'ComplaintReopened', data: { reason: 'x', sla: fromReopen }, at: NOW } as ComplaintEvent])
        .when(command('ClassifyComplaint', { category: 'logistics', severity: 'high', urgency: 'normal', department: 'delivery' }))
        .then([
          {
            type: 'ComplaintClassified',
            data: { category: 'logistics', severity: 'high', urgency: 'normal', department: 'delivery', sla: { ...fromReopen, resolution_proposed: '2026-11-28T10:00:00.000Z', final_response: '2026-12-05T10:00:00.000Z' } },
          },
        ]);
      const unclassified = closed.filter((e) => e.type !== 'ComplaintClassified');
      given(unclassified).when(command('ReopenComplaint', { reason: 'x' })).then([{ type: 'ComplaintReopened', data: { reason: 'x' } }]);
    });
    it('refuses to reopen after 30 days', () => givenAt('2026-12-25T10:00:00.001Z')(closed).when(command('ReopenComplaint', { reason: 'late' })).thenFails('REOPEN_WINDOW_EXPIRED'));
    it('refuses to reopen an open case', () => given(investigated).when(command('ReopenComplaint', { reason: 'x' })).thenFails('NOT_CLOSED'));
    it('refuses to reopen a withdrawn or rejected case, saying why', () => {
      given(withdrawn).when(command('ReopenComplaint', { reason: 'x' })).thenFails('COMPLAINT_WITHDRAWN');
      given(rejected).when(command('ReopenComplaint', { reason: 'x' })).thenFails('COMPLAINT_REJECTED');
    });
    it('refuses to reopen an unknown case', () => given([]).when(command('ReopenComplaint', { reason: 'x' })).thenFails('COMPLAINT_NOT_FOUND'));
    it('needs a new resolution after reopening', () =>
      given([...closed, { type: 'ComplaintReopened', data: { reason: 'x' } }])
        .when(command('ProposeResolution', { summary: 'replace', remedies: [{ type: 'exchange' }] }))
        .then([{ type: 'ResolutionProposed', data: { summary: 'replace', remedies: [{ type: 'exchange' }], proposedBy: 'handler-1', needsApproval: false } }]));
    // The authority is per case (DOMAIN.md section 7): reopening once let a handler pay 500 again without approval.
    const reopened: ComplaintEvent[] = [...closed, { type: 'ComplaintReopened', data: { reason: 'x' } }];
    it('counts what the case already granted (200) against the handler’s authority', () => {
      given(reopened)
        .when(command('ProposeResolution', { summary: 's', remedies: [refund(300)] }))
        .then([{ type: 'ResolutionProposed', data: { summary: 's', remedies: [refund(300)], proposedBy: 'handler-1', needsApproval: false } }]);
      given(reopened)
        .when(command('ProposeResolution', { summary: 's', remedies: [refund(300.01)] }))
        .then([{ type: 'ResolutionProposed', data: { summary: 's', remedies: [refund(300.01)], proposedBy: 'handler-1', needsApproval: true } }]);
    });
    it('asks no approval for a resolution without money, whatever the case granted before (550, approved)', () => {
      const paidBeyond: ComplaintEvent[] = [
        ...approved,
        { type: 'ResolutionImplemented', data: { notifiedVia: 'phone' } },
        { type: 'ComplaintClosed', data: { outcome: 'resolved', summary: 'Paid', closedAt: NOW } },
        { type: 'ComplaintReopened', data: { reason: 'x' } },
      ];
      given(paidBeyond)
        .when(command('ProposeResolution', { summary: 's', remedies: [apology] }))
        .then([{ type: 'ResolutionProposed', data: { summary: 's', remedies: [apology], proposedBy: 'handler-1', needsApproval: false } }]);
      given(paidBeyond)
        .when(command('ProposeResolution', { summary: 's', remedies: [refund(0)] }))
        .then([{ type: 'ResolutionProposed', data: { summary: 's', remedies: [refund(0)], proposedBy: 'handler-1', needsApproval: false } }]);
      given(paidBeyond)
        .when(command('ProposeResolution', { summary: 's', remedies: [refund(1)] }))
        .then([{ type: 'ResolutionProposed', data: { summary: 's', remedies: [refund(1)], proposedBy: 'handler-1', needsApproval: true } }]);
    });
    it('keeps a case’s amounts in one currency', () =>
      given(reopened).when(command('ProposeResolution', { summary: 's', remedies: [{ ...refund(10), currency: 'EUR' }] })).thenFails('MIXED_CURRENCIES'));
  });

  describe('SLA breaches', () => {
    const classifiedAt = (history: ComplaintEvent[], at: string) => history.map((e) => ({ ...e, at: e.type === 'ComplaintReceived' ? '2026-11-25T08:00:00.000Z' : at }));
    const system = { user: 'system', role: 'system' };
    it('records a deadline passed with the step undone, once', () => {
      const late = '2026-12-02T08:00:00.001Z';
      givenAt(late)(classifiedAt(assigned, NOW)).when({ type: 'RecordSlaBreaches' }).then([{ type: 'SlaBreached', data: { step: 'resolution_proposed', deadline: '2026-12-02T08:00:00.000Z' } }]);
      givenAt(late)([...classifiedAt(assigned, NOW), { type: 'SlaBreached', data: { step: 'resolution_proposed', deadline: '2026-12-02T08:00:00.000Z' } }]).when({ type: 'RecordSlaBreaches' }).then([]);
    });
    it('records a step done after its deadline, even on a closed case', () =>
      givenBy(system)(classifiedAt(closed, '2026-11-26T09:00:00.000Z'))
        .when({ type: 'RecordSlaBreaches' })
        .then([{ type: 'SlaBreached', data: { step: 'acknowledge', deadline: '2026-11-26T08:00:00.000Z' } }]));
    it('records nothing for steps a withdrawn or rejected case never reached', () => {
      const withdrawnLater = [...classifiedAt(assigned, NOW), { type: 'ComplaintWithdrawn' as const, data: {}, at: NOW }];
      givenAt('2027-06-01T00:00:00.000Z')(withdrawnLater).when({ type: 'RecordSlaBreaches' }).then([]);
    });
    it('still records a deadline that had passed, unrecorded, when the case was withdrawn or rejected', () => {
      // Acknowledged and classified in time; the resolution deadline (2026-12-02T08:00) passed before the case ended.
      const endedLate = (end: ComplaintEvent) => [...classifiedAt(assigned, NOW), { ...end, at: '2026-12-03T00:00:00.000Z' }];
      const missed = [{ type: 'SlaBreached', data: { step: 'resolution_proposed', deadline: '2026-12-02T08:00:00.000Z' } }] as ComplaintEvent[];
      givenAt('2027-06-01T00:00:00.000Z')(endedLate({ type: 'ComplaintWithdrawn', data: {} })).when({ type: 'RecordSlaBreaches' }).then(missed);
      givenAt('2027-06-01T00:00:00.000Z')(endedLate({ type: 'ComplaintRejected', data: { reason: 'abusive', explanation: 'Threats' } })).when({ type: 'RecordSlaBreaches' }).then(missed);
      givenAt('2027-06-01T00:00:00.000Z')([...endedLate({ type: 'ComplaintWithdrawn', data: {} }), ...missed]).when({ type: 'RecordSlaBreaches' }).then([]);
    });
    it('holds an unanswered case to the provisional deadlines set at receipt', () => {
      const provisional = { policyVersion: 1, acknowledge: '2026-11-26T08:00:00.000Z', classify: '2026-11-27T08:00:00.000Z', resolution_proposed: '2026-12-02T08:00:00.000Z', final_response: '2026-12-23T08:00:00.000Z' };
      const unanswered: ComplaintEvent[] = [{ ...received[0]!, data: { ...(received[0]!.data as object), sla: provisional } } as ComplaintEvent];
      givenAt('2026-11-26T09:00:00.000Z')(unanswered).when({ type: 'RecordSlaBreaches' }).then([{ type: 'SlaBreached', data: { step: 'acknowledge', deadline: '2026-11-26T08:00:00.000Z' } }]);
    });
    it('holds a reopened case to its new deadlines, and records a breach of one though the step was breached before', () => {
      const renewed = { ...mediumDeadlines, resolution_proposed: '2027-01-01T10:00:00.000Z', final_response: '2027-01-22T10:00:00.000Z' };
      // Proposed late (2026-12-03, due 12-02), the breach recorded, closed, then reopened on 12-25.
      const lateThenReopened: ComplaintEvent[] = [
        ...classifiedAt(investigated, NOW),
        { type: 'SlaBreached', data: { step: 'resolution_proposed', deadline: mediumDeadlines.resolution_proposed } },
        ...[...closed.slice(investigated.length)].map((e) => ({ ...e, at: '2026-12-03T00:00:00.000Z' })),
        { type: 'ComplaintReopened', data: { reason: 'x', sla: renewed }, at: '2026-12-25T10:00:00.000Z' } as ComplaintEvent,
      ];
      givenAt('2027-01-01T10:00:00.000Z')(lateThenReopened).when({ type: 'RecordSlaBreaches' }).then([]);
      givenAt('2027-01-01T10:00:00.001Z')(lateThenReopened)
        .when({ type: 'RecordSlaBreaches' })
        .then([{ type: 'SlaBreached', data: { step: 'resolution_proposed', deadline: '2027-01-01T10:00:00.000Z' } }]);
    });
    it('records a lateness nobody recorded yet before a reopen or a classification changes the deadlines', () => {
      // Closed on 12-24, past the final response's 12-23 08:00; the scheduler had not recorded it.
      const closedLate = [...classifiedAt(followedUp, NOW), { type: 'ComplaintClosed', data: { outcome: 'resolved', summary: 'Refunded', closedAt: '2026-12-24T00:00:00.000Z' }, at: '2026-12-24T00:00:00.000Z' }] as ComplaintEvent[];
      givenAt('2026-12-25T10:00:00.000Z')(closedLate)
        .when(command('ReopenComplaint', { reason: 'x' }))
        .then([
          { type: 'SlaBreached', data: { step: 'final_response', deadline: '2026-12-23T08:00:00.000Z' } },
          { type: 'ComplaintReopened', data: { reason: 'x', sla: { ...mediumDeadlines, resolution_proposed: '2027-01-01T10:00:00.000Z', final_response: '2027-01-22T10:00:00.000Z' } } },
        ]);
      // Acknowledged on 11-28, past the provisional 11-27 08:00 (low, 48 h); then classified medium (24 h): one breach.
      const provisional = { policyVersion: 1, acknowledge: '2026-11-27T08:00:00.000Z', classify: '2026-11-28T08:00:00.000Z', resolution_proposed: '2026-12-09T08:00:00.000Z', final_response: '2027-01-20T08:00:00.000Z' };
      const lateAcknowledged = [
        { type: 'ComplaintReceived', data: { ...(received[0]!.data as object), sla: provisional }, at: '2026-11-25T08:00:00.000Z' } as unknown as ComplaintEvent,
        { type: 'ComplaintAcknowledged', data: {}, at: '2026-11-28T00:00:00.000Z' } as ComplaintEvent,
      ];
      const classifying = command('ClassifyComplaint', { category: 'logistics', severity: 'medium', urgency: 'normal', department: 'delivery' });
      givenAt('2026-11-28T01:00:00.000Z')(lateAcknowledged)
        .when(classifying)
        .then([
          { type: 'SlaBreached', data: { step: 'acknowledge', deadline: '2026-11-27T08:00:00.000Z' } },
          { type: 'ComplaintClassified', data: { category: 'logistics', severity: 'medium', urgency: 'normal', department: 'delivery', sla: mediumDeadlines } },
        ]);
      const classified = [...lateAcknowledged, { type: 'SlaBreached', data: { step: 'acknowledge', deadline: '2026-11-27T08:00:00.000Z' } }, { type: 'ComplaintClassified', data: { category: 'logistics', severity: 'medium', urgency: 'normal', department: 'delivery', sla: mediumDeadlines }, at: '2026-11-28T01:00:00.000Z' }] as ComplaintEvent[];
      // The acknowledgement's lateness is recorded; the classification itself came after medium's 48 h, a lateness of its own.
      givenAt('2026-11-28T02:00:00.000Z')(classified).when({ type: 'RecordSlaBreaches' }).then([{ type: 'SlaBreached', data: { step: 'classify', deadline: '2026-11-27T08:00:00.000Z' } }]);
    });
    it('records nothing without deadlines or before one', () => {
      givenAt('2027-01-01T00:00:00.000Z')(acknowledged).when({ type: 'RecordSlaBreaches' }).then([]);
      given(classifiedAt(assigned, NOW)).when({ type: 'RecordSlaBreaches' }).then([]);
    });
  });

  describe('rectification link', () => {
    const link = { rectificationId: '0190a5f0-0000-7000-8000-0000000000a1', problem: 'Parcels soaked' };
    it('records the link at any stage, closed included, by anyone the api lets', () =>
      givenBy({ user: 'ana', role: 'analysis' })(closed).when(command('LinkRectification', link)).then([{ type: 'RectificationLinked', data: link }]));
    it('links once', () => given([...received, { type: 'RectificationLinked', data: link }]).when(command('LinkRectification', link)).then([]));
    it('refuses an unknown case', () => given([]).when(command('LinkRectification', link)).thenFails('COMPLAINT_NOT_FOUND'));
  });

  describe('reject, withdraw, escalate', () => {
    it('rejects before a resolution', () =>
      given(classified).when(command('RejectComplaint', { reason: 'out_of_scope', explanation: 'Not our product' })).then([{ type: 'ComplaintRejected', data: { reason: 'out_of_scope', explanation: 'Not our product' } }]));
    it('refuses a duplicate without the original', () => given(received).when(command('RejectComplaint', { reason: 'duplicate', explanation: 'x' })).thenFails('DUPLICATE_OF_REQUIRED'));
    it('refuses duplicateOf with another reason', () => given(received).when(command('RejectComplaint', { reason: 'abusive', explanation: 'x', duplicateOf: '0190a5f0-0000-7000-8000-000000000009' })).thenFails('DUPLICATE_OF_WITHOUT_DUPLICATE'));
    it('refuses a case duplicating itself', () => given(received).when(command('RejectComplaint', { reason: 'duplicate', explanation: 'x', duplicateOf: ID })).thenFails('DUPLICATE_OF_SELF'));
    it('refuses rejection once a resolution is under way', () => given(proposedWithin).when(command('RejectComplaint', { reason: 'abusive', explanation: 'x' })).thenFails('TOO_LATE_TO_REJECT'));
    it('rejected cases take no work', () => given(rejected).when(command('ClassifyComplaint', { category: 'other', severity: 'low', urgency: 'normal', department: 'd' })).thenFails('COMPLAINT_REJECTED'));
    it('withdraws at any open step', () => given(approved).when(command('WithdrawComplaint', { reason: 'Sorted it myself' })).then([{ type: 'ComplaintWithdrawn', data: { reason: 'Sorted it myself' } }]));
    it('withdrawn cases take no work', () => given(withdrawn).when(command('AcknowledgeComplaint', {})).thenFails('COMPLAINT_WITHDRAWN'));
    it('escalates one level up by default', () => given(assigned).when(command('EscalateComplaint', { reason: 'VIP' })).then([{ type: 'ComplaintEscalated', data: { level: 1, reason: 'VIP' } }]));
    it('escalates to a named level', () => given(assigned).when(command('EscalateComplaint', { reason: 'Regulator', level: 3 })).then([{ type: 'ComplaintEscalated', data: { level: 3, reason: 'Regulator' } }]));
    it('refuses a level that is not higher', () =>
      given([...assigned, { type: 'ComplaintEscalated', data: { level: 3, reason: 'x' } }]).when(command('EscalateComplaint', { reason: 'again', level: 2 })).thenFails('ESCALATION_LEVEL_NOT_HIGHER'));
    it('refuses to go past level 5', () =>
      given([...assigned, { type: 'ComplaintEscalated', data: { level: 5, reason: 'x' } }]).when(command('EscalateComplaint', { reason: 'again' })).thenFails('ESCALATION_LEVEL_NOT_HIGHER'));
  });
});
