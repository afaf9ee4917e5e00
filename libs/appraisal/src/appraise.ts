import type { WeightingPolicy } from '@redress/contracts';
import { DAY_MS } from '@redress/domain';
import { percentile, ratio, type Mark, type MarkKind } from '@redress/projections';

/**
 * Appraisal (考核), DOMAIN.md section 5: a person's or a department's figures
 * for a period, from the cases' appraisal trails and a weighting policy. Pure.
 *
 * Every figure is taken as of the period's end: a trail is folded only up to
 * then, so events after a period never change it, and a past period
 * recomputed under the same policy version gives the same result. (A breach
 * counts from its deadline, not from when the scheduler recorded it.)
 *
 * - A case is **handled** by whoever held it (its assignee, or for a
 *   department its responsible department) at some moment of the period while
 *   it was open, and by whoever closed it in the period. Reassignment splits a
 *   case between its holders by when each held it.
 * - **Closed**: closed in the period while the subject held it (their last
 *   such closing counts). Timeliness and quality are measured over these
 *   cases, each charged to its holders by when things happened: a breach or an
 *   escalation counts against whoever held the case then, a reopen against
 *   whoever made the closing it undid; the follow-up score is the one in force
 *   at the closing.
 * - **Weighted complaints**: a complaint counts once, in the period of its
 *   first closing with a substantiated finding and an outcome the policy
 *   counts, provided that the period's last closing of it still qualifies and
 *   it has not been withdrawn or rejected by the period's end. Rejected,
 *   withdrawn and unsubstantiated complaints never count. It counts against
 *   the staff the finding names (nobody else), and against the department it
 *   names, else the case's department at the closing. Its weight is category
 *   weight × severity multiplier, × the breach multiplier if it breached an
 *   SLA, × the satisfaction multiplier if the complainant was satisfied,
 *   capped per complaint; the score is also given per `normalisePer` handled.
 */
export type SubjectKind = 'staff' | 'department';

/** [from, to) in ms since the epoch, named as it was asked for. */
export interface AppraisalPeriod {
  readonly label: string;
  readonly from: number;
  readonly to: number;
  /** The zone its days are counted in (from and to are its midnights), minutes east of UTC. */
  readonly utcOffsetMinutes: number;
}

export interface CaseTrail {
  readonly id: string;
  readonly marks: readonly Mark[];
}

type MarkOf<K extends MarkKind> = Extract<Mark, { readonly 2: K }>;

/** A case one subject closed in the period, with what counts against that closing. */
interface ClosedCase {
  readonly received: MarkOf<'received'>;
  readonly acknowledged: MarkOf<'acknowledged'> | null;
  readonly closing: MarkOf<'closed'>;
  /** The follow-up in force at the closing (a reopen voids the earlier one). */
  readonly followUp: MarkOf<'followUp'> | null;
  /** Held to Redress's deadlines when it was closed: imported cases never were, so SLA compliance leaves them out. */
  readonly deadlines: boolean;
  /**
   * The first breach while the subject held the case, of a deadline at or before this closing, and the first
   * escalation: each belongs to the subject's first closing after it (one after this closing, of a reopened case,
   * to their next; one before a closing of theirs an earlier period measured, to that one).
   */
  readonly breach: MarkOf<'breached'> | null;
  readonly escalation: MarkOf<'escalated'> | null;
  /** A reopen (in the period) of one of the subject's closings of the case. */
  readonly reopen: MarkOf<'reopened'> | null;
}

export interface WeightedComplaint {
  readonly finding: MarkOf<'finding'>;
  readonly closing: MarkOf<'closed'>;
  readonly classification: MarkOf<'classified'>;
  readonly breach: MarkOf<'breached'> | null;
  readonly followUp: MarkOf<'followUp'> | null;
  readonly categoryWeight: number;
  readonly severityMultiplier: number;
  readonly breachMultiplier: number;
  readonly satisfactionMultiplier: number;
  readonly capped: boolean;
  readonly weight: number;
}

/** One subject's cases in the period, each with the events that put it there. */
export interface Tally {
  /** The event that gave the subject the case (for a case closed after a handover: the one in force at the closing). */
  readonly handled: Map<string, Mark>;
  readonly closed: Map<string, ClosedCase>;
  readonly openAtEnd: Map<string, Mark>;
  readonly weighted: Map<string, WeightedComplaint>;
  /** The departments of the cases handled (a staff table's department filter). */
  readonly departments: Set<string>;
}

export interface Tallies {
  readonly bySubject: ReadonlyMap<string, Tally>;
  /** Every subject that held a case or was named by a finding up to the period's end. */
  readonly known: ReadonlySet<string>;
}

interface Holder {
  readonly who: string;
  readonly since: Mark;
}

interface Closing {
  readonly holder: Holder | null;
  readonly department: string | null;
  readonly closing: MarkOf<'closed'>;
  readonly finding: MarkOf<'finding'> | null;
  readonly classification: MarkOf<'classified'> | null;
  readonly followUp: MarkOf<'followUp'> | null;
  reopen: MarkOf<'reopened'> | null;
}

export const emptyTally = (): Tally => ({ handled: new Map(), closed: new Map(), openAtEnd: new Map(), weighted: new Map(), departments: new Set() });

const weigh = (policy: WeightingPolicy, finding: MarkOf<'finding'>, closing: MarkOf<'closed'>, classification: MarkOf<'classified'>, breach: MarkOf<'breached'> | null, followUp: MarkOf<'followUp'> | null): WeightedComplaint => {
  const categoryWeight = policy.categoryWeights[classification[3] as keyof WeightingPolicy['categoryWeights']] ?? 0;
  const severityMultiplier = policy.severityMultipliers[classification[4] as keyof WeightingPolicy['severityMultipliers']] ?? 0;
  const breachMultiplier = breach ? policy.slaBreachMultiplier : 1;
  const satisfied = followUp !== null && followUp[3] >= policy.satisfactionAdjustment.atLeast;
  const satisfactionMultiplier = satisfied ? policy.satisfactionAdjustment.multiplier : 1;
  const raw = categoryWeight * severityMultiplier * breachMultiplier * satisfactionMultiplier;
  const capped = raw > policy.caps.perComplaint;
  return { finding, closing, classification, breach, followUp, categoryWeight, severityMultiplier, breachMultiplier, satisfactionMultiplier, capped, weight: capped ? policy.caps.perComplaint : raw };
};

/** The map (made on first use) with the mark added to the holder's list. */
const listed = <M>(map: Map<string, M[]> | undefined, who: string, mark: M): Map<string, M[]> => {
  const lists = map ?? new Map<string, M[]>();
  const theirs = lists.get(who);
  if (theirs) theirs.push(mark);
  else lists.set(who, [mark]);
  return lists;
};

/** Sorts every case of every trail into the tallies of the subjects it concerns in the period. */
export const tally = (trails: Iterable<CaseTrail>, period: AppraisalPeriod, kind: SubjectKind, policy: WeightingPolicy): Tallies => {
  const bySubject = new Map<string, Tally>();
  const known = new Set<string>();
  const of = (subject: string): Tally => {
    let found = bySubject.get(subject);
    if (!found) bySubject.set(subject, (found = emptyTally()));
    return found;
  };
  const counted = new Set(policy.countedOutcomes);

  for (const { id, marks } of trails) {
    let open = false;
    let ended = false;
    let assignee: Holder | null = null;
    let department: Holder | null = null;
    let received: MarkOf<'received'> | null = null;
    let acknowledged: MarkOf<'acknowledged'> | null = null;
    let classification: MarkOf<'classified'> | null = null;
    let finding: MarkOf<'finding'> | null = null;
    let followUp: MarkOf<'followUp'> | null = null;
    /** The case's breaches of deadlines before the period's end, in the order recorded (made only for a case that has one). */
    let breaches: Array<MarkOf<'breached'>> | undefined;
    /** When the complaint first closed in a way that counts against staff. */
    let firstCounted = Number.POSITIVE_INFINITY;
    // The breaches and the escalations under each holder: maps made only for a case that has one (most have none; this runs per case per query).
    let breachesBy: Map<string, Array<MarkOf<'breached'>>> | undefined;
    let escalationsBy: Map<string, Array<MarkOf<'escalated'>>> | undefined;
    const closings: Closing[] = [];
    let unreopened: Closing | null = null;
    const holder = () => (kind === 'staff' ? assignee : department);
    /** Everyone who has held the case so far, in order: a breach recorded late is still charged to whoever held it at the deadline. */
    const holders: Holder[] = [];
    const holderAt = (at: number): Holder | null => {
      for (let i = holders.length - 1; i >= 0; i -= 1) if ((holders[i] as Holder).since[1] <= at) return holders[i] as Holder;
      return null;
    };
    const handledBy = (by: Holder, departmentThen: string | null) => {
      const subject = of(by.who);
      if (!subject.handled.has(id)) subject.handled.set(id, by.since);
      if (departmentThen !== null) subject.departments.add(departmentThen);
    };
    let previousAt = Number.NEGATIVE_INFINITY;
    /** Each holder's last closing of the case before the period: an earlier period measured it, with everything up to it. */
    let closedBeforeBy: Map<string, number> | undefined;
    for (const mark of marks) {
      const at = mark[1];
      // A breach is timed at its deadline, which may come before marks recorded ahead of it; it changes no holder.
      if (mark[2] === 'breached') {
        const current = holderAt(at);
        if (at < period.to) (breaches ??= []).push(mark);
        if (at < period.to && current) breachesBy = listed(breachesBy, current.who, mark);
        continue;
      }
      // The other marks are in the order they happened: from the period's end on, nothing counts.
      if (at >= period.to) continue;
      // The stretch since the previous mark reaches into the period: whoever held the case open then handled it.
      const current = holder();
      if (open && current && at > period.from && at > previousAt) handledBy(current, department?.who ?? null);
      previousAt = at;
      switch (mark[2]) {
        case 'received':
          received = mark;
          open = true;
          break;
        case 'acknowledged':
          acknowledged ??= mark;
          break;
        case 'classified':
          classification = mark;
          department = { who: mark[5], since: mark };
          break;
        case 'assigned':
          assignee = { who: mark[3], since: mark };
          if (mark[4] !== null) department = { who: mark[4], since: mark };
          break;
        case 'finding':
          finding = mark;
          for (const who of kind === 'staff' ? mark[4] : mark[5] === null ? [] : [mark[5]]) known.add(who);
          break;
        case 'followUp':
          followUp = mark;
          break;
        case 'closed': {
          open = false;
          if (at < period.from && current) (closedBeforeBy ??= new Map()).set(current.who, at);
          const counts = finding !== null && finding[3] && classification !== null && counted.has(mark[3]);
          if (counts && firstCounted === Number.POSITIVE_INFINITY) firstCounted = at;
          unreopened = at >= period.from ? { holder: current, department: department?.who ?? null, closing: mark, finding, classification, followUp, reopen: null } : null;
          if (unreopened) closings.push(unreopened);
          break;
        }
        case 'reopened':
          open = true;
          followUp = null;
          if (unreopened) unreopened.reopen = mark;
          unreopened = null;
          break;
        case 'ended':
          open = false;
          ended = true;
          break;
        case 'escalated':
          if (current) escalationsBy = listed(escalationsBy, current.who, mark);
          break;
      }
      const now = holder();
      if (now) known.add(now.who);
      if (now && now !== holders[holders.length - 1]) holders.push(now);
    }
    if (!received) continue;

    const atEnd = holder();
    if (open && atEnd) {
      handledBy(atEnd, department?.who ?? null);
      of(atEnd.who).openAtEnd.set(id, atEnd.since);
    }
    let reopenBy: Map<string, MarkOf<'reopened'>> | undefined;
    for (const { holder: by, department: departmentThen, closing, followUp: atClosing, classification: classificationThen, reopen } of closings) {
      if (!by) continue;
      // The closer handled it, whatever the timing; their last closing in the period is the one measured.
      const subject = of(by.who);
      subject.handled.set(id, by.since);
      if (departmentThen !== null) subject.departments.add(departmentThen);
      if (reopen && !reopenBy?.has(by.who)) (reopenBy ??= new Map()).set(by.who, reopen);
      // What happened under them up to this closing and since their closing an earlier period measured: a breach or an
      // escalation belongs to its holder's first closing after it (one of a reopened case after this closing, to their next).
      const since = closedBeforeBy?.get(by.who) ?? Number.NEGATIVE_INFINITY;
      const measured = (mark: Mark): boolean => mark[1] > since && mark[1] <= closing[1];
      const breach = breachesBy?.get(by.who)?.find(measured) ?? null;
      const escalation = escalationsBy?.get(by.who)?.find(measured) ?? null;
      subject.closed.set(id, { received, acknowledged, closing, followUp: atClosing, deadlines: classificationThen?.[6] === true, breach, escalation, reopen: reopenBy?.get(by.who) ?? null });
    }
    // Counted once: in the period of its first counting closing, as the period's last closing left it, unless it has ended since.
    const last = closings[closings.length - 1];
    if (!ended && last && firstCounted >= period.from && last.finding?.[3] && last.classification && counted.has(last.closing[3])) {
      // As that closing left it: a breach of a deadline after it (a reopened case's) is not its.
      const breach = breaches?.find((mark) => mark[1] <= last.closing[1]) ?? null;
      const weighted = weigh(policy, last.finding, last.closing, last.classification, breach, last.followUp);
      const against = kind === 'staff' ? last.finding[4] : [last.finding[5] ?? last.department].filter((d): d is string => d !== null);
      for (const who of against) {
        known.add(who);
        of(who).weighted.set(id, weighted);
      }
    }
  }
  return { bySubject, known };
};

const round = (value: number | null): number | null => (value === null ? null : Math.round(value * 1e4) / 1e4);
const seconds = (from: Mark, to: Mark): number => Math.round((to[1] - from[1]) / 1000);
const spread = (values: number[]) => {
  const sorted = Float64Array.from(values).sort();
  return { median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
};
const byId = <T>(map: ReadonlyMap<string, T>): Array<[string, T]> => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export const COMPONENTS = ['timeliness', 'satisfaction', 'complaints', 'workload'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface Figures {
  readonly workload: { readonly handled: number; readonly closed: number; readonly openAtEnd: number };
  readonly timeliness: {
    readonly firstResponseSeconds: { readonly median: number | null; readonly p90: number | null };
    readonly resolutionSeconds: { readonly median: number | null; readonly p90: number | null };
    /** Share of the closed cases held to deadlines (not imported ones) without a breached deadline, 0..1; null with none. */
    readonly slaCompliance: number | null;
  };
  readonly quality: { readonly satisfaction: number | null; readonly reopenRate: number | null; readonly escalationRate: number | null };
  readonly weighting: { readonly complaints: number; readonly score: number; readonly normalised: number | null; readonly per: number };
}
export interface Composite {
  /** 0..100; null when no component has a value. */
  readonly score: number | null;
  readonly components: ReadonlyArray<{ readonly name: Component; readonly value: number | null; readonly weight: number; readonly appliedWeight: number; readonly contribution: number }>;
}
export interface Appraisal {
  readonly subject: string;
  readonly figures: Figures;
  readonly composite: Composite;
  /** Handled at least the policy's minimum: ranked in the staff table (otherwise shown, not ranked). */
  readonly ranked: boolean;
}

/**
 * The figures and the composite. Components are on 0..100: SLA compliance;
 * satisfaction from 1..5; weighted complaints inverted (0 at the cap); cases
 * handled against the workload target for the period's length. A composite
 * needs closed cases: without any, timeliness and satisfaction have nothing to
 * measure and the rest would flatter whoever closes nothing, so there is none
 * (and no rank). Satisfaction without a follow-up is left out and the others'
 * weights are scaled up to sum to 1 (`appliedWeight`).
 */
export const appraisal = (subject: string, t: Tally, period: AppraisalPeriod, policy: WeightingPolicy): Appraisal => {
  const closed = byId(t.closed).map(([, c]) => c);
  const handled = t.handled.size;
  const scores = closed.flatMap((c) => (c.followUp ? [c.followUp[3]] : []));
  const satisfaction = ratio(scores.reduce((sum, score) => sum + score, 0), scores.length);
  const held = closed.filter((c) => c.deadlines);
  const slaCompliance = ratio(held.filter((c) => !c.breach).length, held.length);
  // Summed in case order: the same cases always give the same bits.
  const score = byId(t.weighted).reduce((sum, [, w]) => sum + w.weight, 0);
  const normalised = handled === 0 ? null : (score * policy.normalisePer) / handled;
  const { caps, workloadTarget } = policy;
  const values: Record<Component, number | null> = {
    timeliness: slaCompliance === null ? null : 100 * slaCompliance,
    satisfaction: satisfaction === null ? null : (100 * (satisfaction - 1)) / 4,
    complaints: normalised === null ? null : 100 * (1 - Math.min(normalised, caps.normalisedScore) / caps.normalisedScore),
    workload: 100 * Math.min(1, handled / ((workloadTarget.casesPer30Days * (period.to - period.from)) / DAY_MS / 30)),
  };
  const present = closed.length === 0 ? 0 : COMPONENTS.filter((name) => values[name] !== null).reduce((sum, name) => sum + policy.composite[name], 0);
  const components = COMPONENTS.map((name) => {
    const value = values[name];
    const appliedWeight = value === null || present === 0 ? 0 : policy.composite[name] / present;
    return { name, value, weight: policy.composite[name], appliedWeight, contribution: value === null ? 0 : appliedWeight * value };
  });
  const shown = components.map((c) => ({ ...c, value: round(c.value), appliedWeight: round(c.appliedWeight) as number, contribution: round(c.contribution) as number }));
  return {
    subject,
    figures: {
      workload: { handled, closed: closed.length, openAtEnd: t.openAtEnd.size },
      timeliness: {
        firstResponseSeconds: spread(closed.flatMap((c) => (c.acknowledged ? [seconds(c.received, c.acknowledged)] : []))),
        resolutionSeconds: spread(closed.map((c) => seconds(c.received, c.closing))),
        slaCompliance: round(slaCompliance),
      },
      quality: {
        satisfaction: round(satisfaction),
        reopenRate: round(ratio(closed.filter((c) => c.reopen).length, closed.length)),
        escalationRate: round(ratio(closed.filter((c) => c.escalation).length, closed.length)),
      },
      weighting: { complaints: t.weighted.size, score: round(score) as number, normalised: round(normalised), per: policy.normalisePer },
    },
    composite: {
      // The sum of the contributions as shown, so the parts add up to the whole.
      score: present === 0 ? null : round(shown.reduce((sum, c) => sum + c.contribution, 0)),
      components: shown,
    },
    ranked: handled >= policy.minCasesHandledForRanking && present > 0,
  };
};

/** An event behind a figure: its revision in the case's stream (see GET /complaints/:id/history). */
export interface EventRef {
  readonly revision: number;
  readonly kind: MarkKind;
  readonly at: string;
}
const ref = (mark: Mark): EventRef => ({ revision: mark[0], kind: mark[2], at: new Date(mark[1]).toISOString() });
const refs = (marks: ReadonlyArray<Mark | null>): EventRef[] =>
  marks
    .filter((mark): mark is Mark => mark !== null)
    .sort((a, b) => a[0] - b[0])
    .map(ref);

/** Every figure down to its cases and the events behind each, in case order. */
export const breakdown = (t: Tally) => ({
  handled: byId(t.handled).map(([complaintId, since]) => ({ complaintId, events: [ref(since)] })),
  closed: byId(t.closed).map(([complaintId, c]) => ({
    complaintId,
    firstResponseSeconds: c.acknowledged ? seconds(c.received, c.acknowledged) : null,
    resolutionSeconds: seconds(c.received, c.closing),
    breached: c.deadlines ? c.breach !== null : null,
    satisfaction: c.followUp ? c.followUp[3] : null,
    reopened: c.reopen !== null,
    escalated: c.escalation !== null,
    events: refs([c.received, c.acknowledged, c.closing, c.followUp, c.breach, c.reopen, c.escalation]),
  })),
  openAtEnd: byId(t.openAtEnd).map(([complaintId, since]) => ({ complaintId, events: [ref(since)] })),
  weighted: byId(t.weighted).map(([complaintId, w]) => ({
    complaintId,
    category: w.classification[3],
    severity: w.classification[4],
    categoryWeight: w.categoryWeight,
    severityMultiplier: w.severityMultiplier,
    breachMultiplier: w.breachMultiplier,
    satisfactionMultiplier: w.satisfactionMultiplier,
    capped: w.capped,
    weight: round(w.weight),
    events: refs([w.classification, w.finding, w.closing, w.breach, w.followUp]),
  })),
});

/**
 * The ranking table: ranked subjects by composite score (highest first; equal
 * scores share a rank), then the unranked, each group by subject.
 */
export const rankingTable = (appraisals: readonly Appraisal[]): Array<Appraisal & { readonly rank: number | null }> => {
  const bySubject = (a: Appraisal, b: Appraisal) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0);
  const ranked = appraisals.filter((a) => a.ranked).sort((a, b) => (b.composite.score ?? -1) - (a.composite.score ?? -1) || bySubject(a, b));
  const rows = ranked.map((a, i) => ({ ...a, rank: i + 1 }));
  for (let i = 1; i < rows.length; i += 1) {
    const [previous, row] = [rows[i - 1], rows[i]] as [(typeof rows)[number], (typeof rows)[number]];
    if (row.composite.score === previous.composite.score) row.rank = previous.rank;
  }
  return [...rows, ...appraisals.filter((a) => !a.ranked).sort(bySubject).map((a) => ({ ...a, rank: null }))];
};
