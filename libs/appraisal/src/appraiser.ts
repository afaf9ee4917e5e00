import * as E from 'fp-ts/Either';
import { DAY_MS, utcOffsetText } from '@redress/domain';
import type { WeightingPolicy } from '@redress/contracts';
import { ScanCache, type ActiveGeneration, type Mark } from '@redress/projections';
import { appraisal, breakdown, emptyTally, rankingTable, tally, type Appraisal, type AppraisalPeriod, type CaseTrail, type SubjectKind } from './appraise';
import { versionInEffect } from './policy';

export interface WeightingVersion {
  readonly version: number;
  readonly definedAt: string;
  readonly policy: WeightingPolicy;
}

/** Why there is no appraisal to give. */
export interface Refusal {
  readonly code: 'POLICY_VERSION_NOT_FOUND' | 'STAFF_NOT_FOUND' | 'DEPARTMENT_NOT_FOUND' | 'PERIOD_NOT_BEGUN';
  readonly message: string;
}

/**
 * How long after a period's end its figures are final: time for the SLA
 * scheduler to record the breaches of its last deadlines (it ticks every 30 s,
 * and catches up after downtime).
 */
export const FINAL_AFTER_MS = DAY_MS;

/** What every appraisal names: its period, how far its facts go, and the policy version it was made under. */
export interface Basis {
  /** The label, its start and end as instants, and the zone its days are counted in (`+08:00`). */
  readonly period: { readonly label: string; readonly from: string; readonly to: string; readonly utcOffset: string };
  /** The facts are the events up to here: the period's end, or now while the period runs. */
  readonly asOf: string;
  /** The period ended a day ago or more and the read model has every event written so far: its figures will not change. */
  readonly final: boolean;
  readonly policy: { readonly version: number; readonly effectiveFrom: string; readonly definedAt: string; readonly whatIf: boolean };
}

/** A person's or department's appraisal; `ranked` only for a person (the ranking is the staff table's). */
export type SubjectReport = Basis & { readonly kind: SubjectKind } & Omit<Appraisal, 'ranked'> & { readonly ranked?: boolean; readonly breakdown: ReturnType<typeof breakdown> };
export type StaffRow = Appraisal & { readonly rank: number | null; readonly href: string };
export type StaffTable = Basis & { readonly department: string | null; readonly rows: readonly StaffRow[] };

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Appraisals from the appraisal read model: the trails (held in memory,
 * refreshed with the cases changed since) folded under the right policy
 * version. Used by the api and the CLI alike.
 */
export class Appraiser {
  private readonly trails = new ScanCache<CaseTrail>(['marks'], ([marks], id) => ({ id, marks: JSON.parse(marks as string) as Mark[] }));

  constructor(
    private readonly versions: () => Promise<readonly WeightingVersion[]>,
    /** The log's head position: a read model short of it may yet change a finished period. */
    private readonly head: () => Promise<number>,
  ) {}

  /** A person's (their cases as handler) or a department's appraisal, down to the events behind each figure. */
  async subject(active: ActiveGeneration, kind: SubjectKind, id: string, period: AppraisalPeriod, askedVersion: number | undefined, now: Date): Promise<E.Either<Refusal, SubjectReport>> {
    const basis = await this.basis(active, period, askedVersion, now);
    if (E.isLeft(basis)) return basis;
    const { bySubject, known } = tally(await this.trails.rows(active), period, kind, basis.right.policy);
    const found = bySubject.get(id);
    if (!found && !known.has(id)) {
      const who = kind === 'staff' ? 'nobody by that id' : 'no department by that name';
      return E.left({ code: kind === 'staff' ? 'STAFF_NOT_FOUND' : 'DEPARTMENT_NOT_FOUND', message: `${who} held a case or was named by a finding up to ${basis.right.basis.asOf}` });
    }
    const t = found ?? emptyTally();
    const { ranked, ...figures } = appraisal(id, t, period, basis.right.policy);
    return E.right({ ...basis.right.basis, kind, ...figures, ...(kind === 'staff' ? { ranked } : {}), breakdown: breakdown(t) });
  }

  /** The staff ranking table; with a department, the staff who handled any of its cases in the period (their figures cover all their cases). */
  async staffTable(active: ActiveGeneration, period: AppraisalPeriod, department: string | undefined, askedVersion: number | undefined, now: Date): Promise<E.Either<Refusal, StaffTable>> {
    const basis = await this.basis(active, period, askedVersion, now);
    if (E.isLeft(basis)) return basis;
    const { policy } = basis.right;
    const { bySubject } = tally(await this.trails.rows(active), period, 'staff', policy);
    const appraisals = [...bySubject].filter(([, t]) => department === undefined || t.departments.has(department)).map(([staff, t]) => appraisal(staff, t, period, policy));
    const version = basis.right.basis.policy.version;
    const zone = period.utcOffsetMinutes === 0 ? '' : `&utcOffset=${encodeURIComponent(utcOffsetText(period.utcOffsetMinutes))}`;
    const rows = rankingTable(appraisals).map((row) => ({ ...row, href: `/appraisal/staff/${encodeURIComponent(row.subject)}?period=${period.label}&policyVersion=${version}${zone}` }));
    return E.right({ ...basis.right.basis, department: department ?? null, rows });
  }

  private async basis(active: ActiveGeneration, period: AppraisalPeriod, askedVersion: number | undefined, now: Date): Promise<E.Either<Refusal, { basis: Basis; policy: WeightingPolicy }>> {
    // A period to come has no facts yet: today's open cases are not its.
    if (period.from > now.getTime()) return E.left({ code: 'PERIOD_NOT_BEGUN', message: `${period.label} has not begun (it starts ${iso(period.from)})` });
    const versions = await this.versions();
    // The policy in effect on the period's first day where it is counted: at +08:00, October's begins on 09-30 in UTC.
    const firstDay = iso(period.from + period.utcOffsetMinutes * 60_000).slice(0, 10);
    const inEffect = versionInEffect(versions, firstDay);
    const chosen = askedVersion === undefined ? inEffect : versions.find((v) => v.version === askedVersion);
    if (!chosen) {
      const message = askedVersion === undefined ? `no weighting policy was in effect on ${firstDay}` : `there is no weighting policy version ${askedVersion}; versions: ${versions.map((v) => v.version).join(', ')}`;
      return E.left({ code: 'POLICY_VERSION_NOT_FOUND', message });
    }
    const asOf = Math.min(period.to, now.getTime());
    return E.right({
      basis: {
        period: { label: period.label, from: iso(period.from), to: iso(period.to), utcOffset: utcOffsetText(period.utcOffsetMinutes) },
        asOf: iso(asOf),
        final: now.getTime() >= period.to + FINAL_AFTER_MS && active.position >= (await this.head()),
        policy: { version: chosen.version, effectiveFrom: chosen.policy.effectiveFrom, definedAt: chosen.definedAt, whatIf: chosen.version !== inEffect?.version },
      },
      policy: chosen.policy,
    });
  }
}

interface Column<T> {
  readonly zh: string;
  readonly en: string;
  readonly value: (of: T) => string | number | boolean | null;
}

/** The staff table's columns, for CSV (titled in Chinese and English) and the CLI (English). */
export const STAFF_TABLE_COLUMNS: ReadonlyArray<Column<StaffRow>> = [
  { zh: '排名', en: 'Rank', value: (row) => row.rank },
  { zh: '员工', en: 'Staff', value: (row) => row.subject },
  { zh: '综合得分', en: 'Composite', value: (row) => row.composite.score },
  { zh: '已处理', en: 'Handled', value: (row) => row.figures.workload.handled },
  { zh: '已结案', en: 'Closed', value: (row) => row.figures.workload.closed },
  { zh: '期末未结', en: 'Open at end', value: (row) => row.figures.workload.openAtEnd },
  { zh: '首次响应中位数(秒)', en: 'First response median (s)', value: (row) => row.figures.timeliness.firstResponseSeconds.median },
  { zh: '首次响应P90(秒)', en: 'First response p90 (s)', value: (row) => row.figures.timeliness.firstResponseSeconds.p90 },
  { zh: '解决时长中位数(秒)', en: 'Resolution median (s)', value: (row) => row.figures.timeliness.resolutionSeconds.median },
  { zh: '解决时长P90(秒)', en: 'Resolution p90 (s)', value: (row) => row.figures.timeliness.resolutionSeconds.p90 },
  { zh: 'SLA达标率', en: 'SLA compliance', value: (row) => row.figures.timeliness.slaCompliance },
  { zh: '满意度', en: 'Satisfaction', value: (row) => row.figures.quality.satisfaction },
  { zh: '重开率', en: 'Reopen rate', value: (row) => row.figures.quality.reopenRate },
  { zh: '升级率', en: 'Escalation rate', value: (row) => row.figures.quality.escalationRate },
  { zh: '加权投诉数', en: 'Weighted complaints', value: (row) => row.figures.weighting.complaints },
  { zh: '加权分', en: 'Weighted score', value: (row) => row.figures.weighting.score },
  { zh: '每百件加权分', en: 'Weighted per 100 handled', value: (row) => row.figures.weighting.normalised },
];

/** What the whole table rests on, repeated on every CSV row so a copied row still says what it is. */
export const STAFF_TABLE_BASIS_COLUMNS: ReadonlyArray<Column<StaffTable>> = [
  { zh: '期间', en: 'Period', value: (table) => table.period.label },
  // Written UTC+08:00: a cell starting with + is one a spreadsheet would take for a formula (the CSV escapes it).
  { zh: '时区', en: 'Zone', value: (table) => `UTC${table.period.utcOffset}` },
  { zh: '截至', en: 'As of', value: (table) => table.asOf },
  { zh: '定稿', en: 'Final', value: (table) => table.final },
  { zh: '权重政策版本', en: 'Policy version', value: (table) => table.policy.version },
  { zh: '假设分析', en: 'What-if', value: (table) => table.policy.whatIf },
];
