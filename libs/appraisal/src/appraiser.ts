import * as E from 'fp-ts/Either';
import type { WeightingPolicy } from '@redress/contracts';
import { ScanCache, type ActiveGeneration, type Mark } from '@redress/projections';
import { appraisal, breakdown, emptyTally, rankingTable, tally, type Appraisal, type AppraisalPeriod, type CaseTrail, type SubjectKind } from './appraise';
import { versionInEffect } from './policy';

export interface WeightingVersion {
  readonly version: number;
  readonly definedAt: string;
  readonly policy: WeightingPolicy;
}

export interface NotFound {
  readonly code: 'POLICY_VERSION_NOT_FOUND' | 'STAFF_NOT_FOUND' | 'DEPARTMENT_NOT_FOUND';
  readonly message: string;
}

/** What every appraisal names: its period, how far its facts go, and the policy version it was made under. */
export interface Basis {
  readonly period: { readonly label: string; readonly from: string; readonly to: string };
  /** The facts are the events up to here: the period's end, or now while the period runs. */
  readonly asOf: string;
  /** The period is over: its figures will not change. */
  readonly final: boolean;
  readonly policy: { readonly version: number; readonly effectiveFrom: string; readonly definedAt: string; readonly whatIf: boolean };
}

export type SubjectReport = Basis & { readonly kind: SubjectKind } & Appraisal & { readonly breakdown: ReturnType<typeof breakdown> };
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

  constructor(private readonly versions: () => Promise<readonly WeightingVersion[]>) {}

  /** A person's (their cases as handler) or a department's appraisal, down to the events behind each figure. */
  async subject(active: ActiveGeneration, kind: SubjectKind, id: string, period: AppraisalPeriod, askedVersion: number | undefined, now: Date): Promise<E.Either<NotFound, SubjectReport>> {
    const basis = await this.basis(period, askedVersion, now);
    if (E.isLeft(basis)) return basis;
    const { bySubject, known } = tally(await this.trails.rows(active), period, kind, basis.right.policy);
    const found = bySubject.get(id);
    if (!found && !known.has(id)) {
      const who = kind === 'staff' ? 'nobody by that id' : 'no department by that name';
      return E.left({ code: kind === 'staff' ? 'STAFF_NOT_FOUND' : 'DEPARTMENT_NOT_FOUND', message: `${who} held a case or was named by a finding up to ${basis.right.basis.asOf}` });
    }
    const t = found ?? emptyTally();
    return E.right({ ...basis.right.basis, kind, ...appraisal(id, t, period, basis.right.policy), breakdown: breakdown(t) });
  }

  /** The staff ranking table; with a department, the staff who handled any of its cases in the period (their figures cover all their cases). */
  async staffTable(active: ActiveGeneration, period: AppraisalPeriod, department: string | undefined, askedVersion: number | undefined, now: Date): Promise<E.Either<NotFound, StaffTable>> {
    const basis = await this.basis(period, askedVersion, now);
    if (E.isLeft(basis)) return basis;
    const { policy } = basis.right;
    const { bySubject } = tally(await this.trails.rows(active), period, 'staff', policy);
    const appraisals = [...bySubject].filter(([, t]) => department === undefined || t.departments.has(department)).map(([staff, t]) => appraisal(staff, t, period, policy));
    const version = basis.right.basis.policy.version;
    const rows = rankingTable(appraisals).map((row) => ({ ...row, href: `/appraisal/staff/${encodeURIComponent(row.subject)}?period=${period.label}&policyVersion=${version}` }));
    return E.right({ ...basis.right.basis, department: department ?? null, rows });
  }

  private async basis(period: AppraisalPeriod, askedVersion: number | undefined, now: Date): Promise<E.Either<NotFound, { basis: Basis; policy: WeightingPolicy }>> {
    const versions = await this.versions();
    const firstDay = iso(period.from).slice(0, 10);
    const inEffect = versionInEffect(versions, firstDay);
    const chosen = askedVersion === undefined ? inEffect : versions.find((v) => v.version === askedVersion);
    if (!chosen) {
      const message = askedVersion === undefined ? `no weighting policy was in effect on ${firstDay}` : `there is no weighting policy version ${askedVersion}; versions: ${versions.map((v) => v.version).join(', ')}`;
      return E.left({ code: 'POLICY_VERSION_NOT_FOUND', message });
    }
    const asOf = Math.min(period.to, now.getTime());
    return E.right({
      basis: {
        period: { label: period.label, from: iso(period.from), to: iso(period.to) },
        asOf: iso(asOf),
        final: asOf === period.to,
        policy: { version: chosen.version, effectiveFrom: chosen.policy.effectiveFrom, definedAt: chosen.definedAt, whatIf: chosen.version !== inEffect?.version },
      },
      policy: chosen.policy,
    });
  }
}

/** The staff table's columns, for CSV (titled in Chinese and English) and the CLI (English). */
export const STAFF_TABLE_COLUMNS: ReadonlyArray<{ readonly zh: string; readonly en: string; readonly value: (row: StaffRow) => string | number | null }> = [
  { zh: '排名', en: 'Rank', value: (row) => row.rank },
  { zh: '员工', en: 'Staff', value: (row) => row.subject },
  { zh: '综合得分', en: 'Composite', value: (row) => row.composite.score },
  { zh: '已处理', en: 'Handled', value: (row) => row.figures.workload.handled },
  { zh: '已结案', en: 'Closed', value: (row) => row.figures.workload.closed },
  { zh: '期末未结', en: 'Open at end', value: (row) => row.figures.workload.openAtEnd },
  { zh: '首次响应中位数(秒)', en: 'First response median (s)', value: (row) => row.figures.timeliness.firstResponseSeconds.median },
  { zh: '解决时长中位数(秒)', en: 'Resolution median (s)', value: (row) => row.figures.timeliness.resolutionSeconds.median },
  { zh: 'SLA达标率', en: 'SLA compliance', value: (row) => row.figures.timeliness.slaCompliance },
  { zh: '满意度', en: 'Satisfaction', value: (row) => row.figures.quality.satisfaction },
  { zh: '重开率', en: 'Reopen rate', value: (row) => row.figures.quality.reopenRate },
  { zh: '升级率', en: 'Escalation rate', value: (row) => row.figures.quality.escalationRate },
  { zh: '加权投诉数', en: 'Weighted complaints', value: (row) => row.figures.weighting.complaints },
  { zh: '加权分', en: 'Weighted score', value: (row) => row.figures.weighting.score },
  { zh: '每百件加权分', en: 'Weighted per 100 handled', value: (row) => row.figures.weighting.normalised },
];
