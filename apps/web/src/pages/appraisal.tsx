import { Fragment, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import type { Basis, Component, Figures, StaffTable, SubjectReport, WeightingVersion } from '@redress/appraisal';
import type { MarkKind } from '@redress/projections';
import { query, type ApiError } from '../api';
import { useResource } from '../resource';
import { messages, useFormat, useMessages, useVocabulary } from '../i18n';
import { staffTableFileName } from '../../../../libs/appraisal/src/file-name';
import { useStaff } from '../session';
import { BROWSER_ZONE, localDay } from '../zone';
import { ANALYSTS, may } from '../roles';
import { Empty, ErrorNotice, ExportButton, Loading, Section } from '../components/common';

const text = messages(
  {
    title: 'Staff appraisal',
    personTitle: 'Appraisal: {subject}',
    back: 'Back to the staff table',
    choices: 'Which appraisal',
    period: 'Period',
    periodHint: 'A month (2026-10), a quarter (2026-Q3) or a range of days (2026-10-01..2026-10-15), in your time zone (UTC{offset}).',
    policyVersion: 'Weighting policy',
    inEffect: 'The one in effect for the period',
    version: 'v{version}, in effect from {from}',
    department: 'Department (blank: all)',
    show: 'Show',
    basis: 'Period {period} ({from} to {to}, UTC{offset}); figures as of {asOf}; weighting policy v{version}.',
    whatIf: 'What-if: these figures use policy v{version}, not the version in effect for the period.',
    notFinal: 'Not final: the period is still running, ended less than a day ago, or the figures are still catching up, so they may still change.',
    noAppraisal: 'No appraisal for {period}: {subject} had not handled any case by its end.',
    notBegun: '{period} has not begun yet, so there is nothing to appraise.',
    nobody: 'Nobody handled a case in this period.',
    ranking: 'Ranking',
    rank: 'Rank',
    person: 'Staff',
    composite: 'Composite score',
    outOf100: '{score} / 100',
    ranked: 'Ranked',
    notRanked: 'Not ranked',
    tooFew: 'handled {handled} of the {min} needed',
    noneClosed: 'closed no case in the period',
    rule: 'Ranked are staff who handled at least {min} cases in the period and closed at least one (a composite score needs closed cases); the others are listed, unranked.',
    ruleUnknown: 'Ranked are staff who handled the weighting policy’s minimum of cases in the period and closed at least one; the others are listed, unranked.',
    components: 'How the composite score is made',
    component: 'Component',
    componentValue: 'Score (0–100)',
    weight: 'Weight',
    appliedWeight: 'Applied weight',
    contribution: 'Contribution',
    appliedHint: 'A component without a value (no follow-up scores, say) is left out, and the others’ weights are scaled up to sum to 100% (the applied weight).',
    figures: 'Figures',
    workload: 'Workload',
    timeliness: 'Timeliness',
    quality: 'Quality',
    weighting: 'Weighted complaints',
    handled: 'Handled',
    closedCases: 'Closed',
    openAtEnd: 'Open at the end',
    firstResponseMedian: 'First response (median)',
    firstResponseP90: 'First response (90th percentile)',
    resolutionMedian: 'Resolution (median)',
    resolutionP90: 'Resolution (90th percentile)',
    slaCompliance: 'SLA compliance',
    satisfaction: 'Satisfaction (1–5)',
    satisfactionScore: 'Satisfaction',
    reopenRate: 'Reopen rate',
    escalationRate: 'Escalation rate',
    weightedComplaints: 'Weighted complaints',
    weightedScore: 'Weighted score',
    weightedPer: 'Weighted score per {per} handled',
    breakdown: 'The cases behind the figures',
    breakdownList: '{title}: {count}',
    handledCases: 'Handled',
    closedList: 'Closed in the period',
    openList: 'Open at the end',
    weightedList: 'Weighted complaints',
    case: 'Case',
    events: 'Events',
    firstResponse: 'First response',
    resolution: 'Resolution',
    breached: 'SLA breached',
    reopened: 'Reopened',
    escalated: 'Escalated',
    category: 'Category',
    severity: 'Severity',
    categoryWeight: 'Category weight',
    severityMultiplier: '× severity',
    breachMultiplier: '× breach',
    satisfactionMultiplier: '× satisfaction',
    complaintWeight: 'Weight',
    capped: 'capped',
    yes: 'Yes',
    no: 'No',
    event: '{kind} (revision {revision}), {at}',
    markReceived: 'received',
    markAcknowledged: 'acknowledged',
    markClassified: 'classified',
    markAssigned: 'assigned',
    markFinding: 'root cause found',
    markFollowUp: 'followed up',
    markClosed: 'closed',
    markReopened: 'reopened',
    markEnded: 'rejected or withdrawn',
    markBreached: 'SLA breached',
    markEscalated: 'escalated',
  },
  {
    title: '员工考核',
    personTitle: '考核：{subject}',
    back: '返回员工考核表',
    choices: '考核范围',
    period: '考核期间',
    periodHint: '月份（2026-10）、季度（2026-Q3）或日期范围（2026-10-01..2026-10-15），按本地时区（UTC{offset}）计。',
    policyVersion: '权重策略',
    inEffect: '该期间生效的版本',
    version: 'v{version}，自 {from} 起生效',
    department: '部门（留空：全部）',
    show: '查看',
    basis: '期间 {period}（{from} 至 {to}，UTC{offset}）；数据截至 {asOf}；权重策略 v{version}。',
    whatIf: '假设分析：以下数据按策略 v{version} 计算，并非该期间生效的版本。',
    notFinal: '尚未定稿：期间仍在进行、结束不足一天，或数据仍在追赶，数字可能还会变化。',
    noAppraisal: '{period} 无 {subject} 的考核数据：截至该期间结束，其未处理过任何投诉。',
    notBegun: '{period} 尚未开始，暂无可考核的数据。',
    nobody: '此期间无人处理投诉。',
    ranking: '排名',
    rank: '排名',
    person: '员工',
    composite: '综合得分',
    outOf100: '{score} / 100',
    ranked: '参与排名',
    notRanked: '不参与排名',
    tooFew: '处理 {handled} 件，需至少 {min} 件',
    noneClosed: '期间内未结案',
    rule: '在期间内处理至少 {min} 件投诉且至少结案一件的员工参与排名（综合得分需有结案数据）；其余员工列出但不排名。',
    ruleUnknown: '在期间内处理投诉达到权重策略规定件数且至少结案一件的员工参与排名；其余员工列出但不排名。',
    components: '综合得分构成',
    component: '组成项',
    componentValue: '得分（0–100）',
    weight: '权重',
    appliedWeight: '实际权重',
    contribution: '贡献',
    appliedHint: '无数据的组成项（如无回访评分）不计入，其余各项权重按比例放大至合计 100%（实际权重）。',
    figures: '指标',
    workload: '工作量',
    timeliness: '时效',
    quality: '质量',
    weighting: '加权投诉',
    handled: '已处理',
    closedCases: '已结案',
    openAtEnd: '期末未结',
    firstResponseMedian: '首次响应（中位数）',
    firstResponseP90: '首次响应（P90）',
    resolutionMedian: '解决时长（中位数）',
    resolutionP90: '解决时长（P90）',
    slaCompliance: 'SLA 达标率',
    satisfaction: '满意度（1–5）',
    satisfactionScore: '满意度',
    reopenRate: '重开率',
    escalationRate: '升级率',
    weightedComplaints: '加权投诉数',
    weightedScore: '加权分',
    weightedPer: '每 {per} 件加权分',
    breakdown: '指标对应的投诉',
    breakdownList: '{title}：{count}',
    handledCases: '已处理',
    closedList: '期间内结案',
    openList: '期末未结',
    weightedList: '加权投诉',
    case: '投诉',
    events: '事件',
    firstResponse: '首次响应',
    resolution: '解决时长',
    breached: '超时',
    reopened: '重新打开',
    escalated: '升级',
    category: '分类',
    severity: '严重程度',
    categoryWeight: '分类权重',
    severityMultiplier: '× 严重程度',
    breachMultiplier: '× 超时',
    satisfactionMultiplier: '× 满意度',
    complaintWeight: '权重',
    capped: '已封顶',
    yes: '是',
    no: '否',
    event: '{kind}（版本 {revision}），{at}',
    markReceived: '接收',
    markAcknowledged: '确认',
    markClassified: '分类',
    markAssigned: '指派',
    markFinding: '根因分析',
    markFollowUp: '回访',
    markClosed: '结案',
    markReopened: '重新打开',
    markEnded: '驳回或撤回',
    markBreached: '超时',
    markEscalated: '升级',
  },
);
type Key = keyof (typeof text)['en'];
type Translate = (key: Key, vars?: Readonly<Record<string, string | number>>) => string;
type Format = ReturnType<typeof useFormat>;

/** What the page shows, from its address: "" for no policy version (the one in effect) and no department (all). */
interface Choice {
  readonly period: string;
  readonly policyVersion: string;
  readonly department: string;
}

const MARKS: Readonly<Record<MarkKind, Key>> = {
  received: 'markReceived',
  acknowledged: 'markAcknowledged',
  classified: 'markClassified',
  assigned: 'markAssigned',
  finding: 'markFinding',
  followUp: 'markFollowUp',
  closed: 'markClosed',
  reopened: 'markReopened',
  ended: 'markEnded',
  breached: 'markBreached',
  escalated: 'markEscalated',
};
const COMPONENTS: Readonly<Record<Component, Key>> = { timeliness: 'timeliness', satisfaction: 'satisfactionScore', complaints: 'weightedComplaints', workload: 'workload' };

type Group = 'workload' | 'timeliness' | 'quality' | 'weighting';
const GROUPS: readonly Group[] = ['workload', 'timeliness', 'quality', 'weighting'];
/** A figure and where it shows: every column of the staff table ("wide" ones not on a phone), or only in a person's view. */
interface Figure {
  readonly key: Key;
  readonly group: Group;
  readonly show: 'table' | 'wide' | 'person';
  readonly value: (figures: Figures, format: Format) => string;
}
const seconds = (value: number | null, { duration }: Format): string => (value === null ? '—' : duration(value));
const FIGURES: readonly Figure[] = [
  { key: 'handled', group: 'workload', show: 'table', value: (f, { number }) => number(f.workload.handled) },
  { key: 'closedCases', group: 'workload', show: 'table', value: (f, { number }) => number(f.workload.closed) },
  { key: 'openAtEnd', group: 'workload', show: 'wide', value: (f, { number }) => number(f.workload.openAtEnd) },
  { key: 'firstResponseMedian', group: 'timeliness', show: 'wide', value: (f, format) => seconds(f.timeliness.firstResponseSeconds.median, format) },
  { key: 'firstResponseP90', group: 'timeliness', show: 'person', value: (f, format) => seconds(f.timeliness.firstResponseSeconds.p90, format) },
  { key: 'resolutionMedian', group: 'timeliness', show: 'wide', value: (f, format) => seconds(f.timeliness.resolutionSeconds.median, format) },
  { key: 'resolutionP90', group: 'timeliness', show: 'person', value: (f, format) => seconds(f.timeliness.resolutionSeconds.p90, format) },
  { key: 'slaCompliance', group: 'timeliness', show: 'table', value: (f, { percent }) => percent(f.timeliness.slaCompliance) },
  { key: 'satisfaction', group: 'quality', show: 'table', value: (f, { number }) => number(f.quality.satisfaction) },
  { key: 'reopenRate', group: 'quality', show: 'person', value: (f, { percent }) => percent(f.quality.reopenRate) },
  { key: 'escalationRate', group: 'quality', show: 'person', value: (f, { percent }) => percent(f.quality.escalationRate) },
  { key: 'weightedComplaints', group: 'weighting', show: 'table', value: (f, { number }) => number(f.weighting.complaints) },
  { key: 'weightedScore', group: 'weighting', show: 'person', value: (f, { number }) => number(f.weighting.score) },
  { key: 'weightedPer', group: 'weighting', show: 'wide', value: (f, { number }) => number(f.weighting.normalised) },
];
const TABLE_FIGURES = FIGURES.filter((figure) => figure.show !== 'person');

const month = (ms: number): string => new Date(ms).toISOString().slice(0, 7);
/** This month and the eleven before it, then this quarter and the three before, in the browser's zone: suggestions, any period form may be typed. */
const recentPeriods = (now: Date): string[] => {
  const at = (monthsAgo: number) => Date.UTC(now.getFullYear(), now.getMonth() - monthsAgo, 1);
  const quarter = (ms: number) => `${month(ms).slice(0, 4)}-Q${Math.floor(new Date(ms).getUTCMonth() / 3) + 1}`;
  return [...Array.from({ length: 12 }, (_, i) => month(at(i))), ...Array.from({ length: 4 }, (_, i) => quarter(at(3 * i)))];
};

/** The minimum of cases handled for a rank, from the policy version the figures were made under. */
const minimumOf = (versions: readonly WeightingVersion[] | undefined, version: number): number | undefined => versions?.find((v) => v.version === version)?.policy.minCasesHandledForRanking;

/**
 * Analysts see the staff table and anyone's appraisal; everyone else sees
 * their own only (the api shows them nobody else's), whatever the address says.
 */
export const Appraisal = () => {
  const staff = useStaff();
  const t = useMessages(text);
  const { userId } = useParams();
  const { search } = useLocation();
  const [params, setParams] = useSearchParams();
  const analyst = may(staff.role, ANALYSTS);
  const subject = analyst ? userId : staff.user;
  const now = useMemo(() => new Date(), []);
  const choice: Choice = { period: params.get('period') || localDay(now.getTime()).slice(0, 7), policyVersion: params.get('policyVersion') ?? '', department: params.get('department') ?? '' };
  const versions = useResource<{ versions: WeightingVersion[] }>('/policies/weighting/versions').data?.versions;
  // Suggestions for the table's department filter: the departments cases have been sent to, as analysis counts them. Read
  // here, once, not in the form, which starts afresh with every address.
  const departments = useResource<{ rows: Array<{ department: string | null }> }>(analyst && !subject ? '/analytics/complaints?groupBy=department&metrics=received' : null).data?.rows;

  return (
    <div data-testid={subject ? 'appraisal-person' : undefined}>
      {analyst && subject ? (
        <p>
          <Link to={`/appraisal${search}`}>{t('back')}</Link>
        </p>
      ) : null}
      <h1>{subject ? t('personTitle', { subject }) : t('title')}</h1>
      {/* Keyed by the address: going back or following a link starts the form afresh from it. */}
      <Choices key={search} choice={choice} versions={versions} periods={recentPeriods(now)} withDepartment={!subject} departments={departments} onChoose={(next) => setParams(new URLSearchParams(query({ ...next })))} />
      {subject ? <Person subject={subject} choice={choice} versions={versions} /> : <Ranking choice={choice} versions={versions} />}
    </div>
  );
};

const Choices = ({
  choice,
  versions,
  periods,
  withDepartment,
  departments,
  onChoose,
}: {
  choice: Choice;
  versions: readonly WeightingVersion[] | undefined;
  periods: readonly string[];
  withDepartment: boolean;
  departments: ReadonlyArray<{ department: string | null }> | undefined;
  onChoose(choice: Choice): void;
}) => {
  const t = useMessages(text);
  const [period, setPeriod] = useState(choice.period);
  const [policyVersion, setPolicyVersion] = useState(choice.policyVersion);
  const [department, setDepartment] = useState(choice.department);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChoose({ period: period.trim(), policyVersion, department: department.trim() });
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={t('choices')}>
      <div className="filters">
        <div className="field">
          <label htmlFor="appraisal-period">{t('period')}</label>
          <input id="appraisal-period" list="appraisal-periods" value={period} onChange={(event) => setPeriod(event.target.value)} required aria-describedby="appraisal-period-hint" />
          <datalist id="appraisal-periods">
            {periods.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="appraisal-policy">{t('policyVersion')}</label>
          <select id="appraisal-policy" value={policyVersion} onChange={(event) => setPolicyVersion(event.target.value)}>
            <option value="">{t('inEffect')}</option>
            {versions?.map((v) => (
              <option key={v.version} value={String(v.version)}>
                {t('version', { version: v.version, from: v.policy.effectiveFrom })}
              </option>
            ))}
          </select>
        </div>
        {withDepartment ? (
          <div className="field">
            <label htmlFor="appraisal-department">{t('department')}</label>
            <input id="appraisal-department" list="appraisal-departments" value={department} onChange={(event) => setDepartment(event.target.value)} />
            <datalist id="appraisal-departments">
              {departments?.flatMap(({ department: name }) => (name === null ? [] : [<option key={name} value={name} />]))}
            </datalist>
          </div>
        ) : null}
        <button type="submit">{t('show')}</button>
      </div>
      <p className="hint" id="appraisal-period-hint">
        {t('periodHint', { offset: BROWSER_ZONE.text })}
      </p>
    </form>
  );
};

/** What every appraisal rests on: its period, how far its facts go, its policy version, and whether it may still change. */
const BasisNote = ({ basis }: { basis: Basis }) => {
  const t = useMessages(text);
  const { time } = useFormat();
  return (
    <>
      {/* The api gives the period's end as the start of the day after its last. */}
      <p className="hint">{t('basis', { period: basis.period.label, from: localDay(basis.period.from), to: localDay(Date.parse(basis.period.to) - 1), offset: BROWSER_ZONE.text, asOf: time(basis.asOf), version: basis.policy.version })}</p>
      {basis.policy.whatIf ? <p className="notice">{t('whatIf', { version: basis.policy.version })}</p> : null}
      {basis.final ? null : (
        <p className="notice" role="note">
          {t('notFinal')}
        </p>
      )}
    </>
  );
};

const RankingRule = ({ minimum }: { minimum: number | undefined }) => {
  const t = useMessages(text);
  return <p className="hint">{minimum === undefined ? t('ruleUnknown') : t('rule', { min: minimum })}</p>;
};

/** Why there is no appraisal: nobody handled cases, or the period is to come, read as such; anything else as the api said it. */
const Refusal = ({ error, period, subject = '' }: { error: ApiError; period: string; subject?: string }) => {
  const t = useMessages(text);
  if (error.code === 'STAFF_NOT_FOUND') return <p className="empty">{t('noAppraisal', { period, subject })}</p>;
  if (error.code === 'PERIOD_NOT_BEGUN') return <p className="empty">{t('notBegun', { period })}</p>;
  return <ErrorNotice error={error} />;
};

/** Ranked, or why not. */
const RankedCell = ({ ranked, handled, minimum }: { ranked: boolean; handled: number; minimum: number | undefined }) => {
  const t = useMessages(text);
  if (ranked) return <span className="tag tag-ok">{t('ranked')}</span>;
  return (
    <>
      <span className="tag tag-muted">{t('notRanked')}</span> <span className="hint">{minimum !== undefined && handled < minimum ? t('tooFew', { handled, min: minimum }) : t('noneClosed')}</span>
    </>
  );
};

const Ranking = ({ choice, versions }: { choice: Choice; versions: readonly WeightingVersion[] | undefined }) => {
  const t = useMessages(text);
  const format = useFormat();
  const { search } = useLocation();
  const path = `/appraisal/staff${query({ ...choice, utcOffset: BROWSER_ZONE.text })}`;
  const table = useResource<StaffTable>(path);
  if (table.error) return <Refusal error={table.error} period={choice.period} />;
  if (!table.data) return <Loading />;
  const data = table.data;
  const minimum = minimumOf(versions, data.policy.version);
  const per = data.rows[0]?.figures.weighting.per ?? 100;

  return (
    <Section
      title={t('ranking')}
      // Named as the api names it (its Content-Disposition): period, zone and policy version.
      actions={<ExportButton path={path} fileName={staffTableFileName(data)} />}
    >
      <BasisNote basis={data} />
      <RankingRule minimum={minimum} />
      {data.rows.length === 0 ? (
        <p className="empty">{t('nobody')}</p>
      ) : (
        <div className="table-scroll">
          <table className="kpi" data-testid="kpi-table">
            <caption className="visually-hidden">{t('ranking')}</caption>
            <thead>
              <tr>
                <th scope="col" className="number">
                  {t('rank')}
                </th>
                <th scope="col">{t('person')}</th>
                <th scope="col" className="number">
                  {t('composite')}
                </th>
                {TABLE_FIGURES.map((figure) => (
                  <th scope="col" key={figure.key} className={figure.show === 'wide' ? 'number hide-narrow' : 'number'}>
                    {t(figure.key, { per })}
                  </th>
                ))}
                <th scope="col">{t('ranked')}</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row) => (
                <tr key={row.subject} data-testid="kpi-row">
                  <td className="number">{row.rank ?? '—'}</td>
                  <td>
                    <Link to={`/appraisal/${encodeURIComponent(row.subject)}${search}`}>{row.subject}</Link>
                  </td>
                  <td className="number">{format.number(row.composite.score)}</td>
                  {TABLE_FIGURES.map((figure) => (
                    <td key={figure.key} className={figure.show === 'wide' ? 'number hide-narrow' : 'number'}>
                      {figure.value(row.figures, format)}
                    </td>
                  ))}
                  <td>
                    <RankedCell ranked={row.ranked} handled={row.figures.workload.handled} minimum={minimum} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
};

const Person = ({ subject, choice, versions }: { subject: string; choice: Choice; versions: readonly WeightingVersion[] | undefined }) => {
  const t = useMessages(text);
  const format = useFormat();
  const report = useResource<SubjectReport>(`/appraisal/staff/${encodeURIComponent(subject)}${query({ period: choice.period, utcOffset: BROWSER_ZONE.text, policyVersion: choice.policyVersion })}`);
  if (report.error) return <Refusal error={report.error} period={choice.period} subject={subject} />;
  if (!report.data) return <Loading />;
  const { composite, figures, breakdown } = report.data;
  const minimum = minimumOf(versions, report.data.policy.version);
  return (
    <>
      <Section title={t('composite')}>
        <BasisNote basis={report.data} />
        <p className="score">
          <strong>{composite.score === null ? '—' : t('outOf100', { score: format.number(composite.score) })}</strong>{' '}
          {report.data.ranked === undefined ? null : <RankedCell ranked={report.data.ranked} handled={figures.workload.handled} minimum={minimum} />}
        </p>
        <RankingRule minimum={minimum} />
        <h3>{t('components')}</h3>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('component')}</th>
                <th scope="col" className="number">
                  {t('componentValue')}
                </th>
                <th scope="col" className="number">
                  {t('weight')}
                </th>
                <th scope="col" className="number">
                  {t('appliedWeight')}
                </th>
                <th scope="col" className="number">
                  {t('contribution')}
                </th>
              </tr>
            </thead>
            <tbody>
              {composite.components.map((c) => (
                <tr key={c.name}>
                  <th scope="row">{t(COMPONENTS[c.name])}</th>
                  <td className="number">{format.number(c.value)}</td>
                  <td className="number">{format.percent(c.weight)}</td>
                  <td className="number">{format.percent(c.appliedWeight)}</td>
                  <td className="number">{format.number(c.contribution)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('composite')}</th>
                <td colSpan={3} />
                <td className="number">
                  <strong>{format.number(composite.score)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
        <p className="hint">{t('appliedHint')}</p>
      </Section>
      <Section title={t('figures')}>
        <div className="grid">
          {GROUPS.map((group) => (
            <div key={group}>
              <h3>{t(group)}</h3>
              <dl className="facts">
                {FIGURES.filter((figure) => figure.group === group).map((figure) => (
                  <Fragment key={figure.key}>
                    <dt>{t(figure.key, { per: figures.weighting.per })}</dt>
                    <dd>{figure.value(figures, format)}</dd>
                  </Fragment>
                ))}
              </dl>
            </div>
          ))}
        </div>
      </Section>
      <Section title={t('breakdown')}>
        <Breakdown breakdown={breakdown} />
      </Section>
    </>
  );
};

type Cases = SubjectReport['breakdown'];
type Events = Cases['handled'][number]['events'];

const CaseLink = ({ id }: { id: string }) => (
  <Link to={`/cases/${encodeURIComponent(id)}`}>
    <code>{id}</code>
  </Link>
);

const EventList = ({ events }: { events: Events }) => {
  const t = useMessages(text);
  const { time } = useFormat();
  return (
    <>
      {events.map((e) => (
        <div key={`${e.revision}-${e.kind}`}>{t('event', { kind: t(MARKS[e.kind]), revision: e.revision, at: time(e.at) })}</div>
      ))}
    </>
  );
};

/** A case and the events that put it in a list (handled, open at the end). */
const caseWithEvents = (c: { readonly complaintId: string; readonly events: Events }) => (
  <tr key={c.complaintId}>
    <td>
      <CaseLink id={c.complaintId} />
    </td>
    <td>
      <EventList events={c.events} />
    </td>
  </tr>
);

/** One list of cases behind a figure, folded away: a busy handler has dozens. */
const CaseList = ({ title, count, headings, children }: { title: string; count: number; headings: readonly string[]; children: ReactNode }) => {
  const t = useMessages(text);
  return (
    <details>
      <summary>{t('breakdownList', { title, count })}</summary>
      {count === 0 ? (
        <Empty />
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                {headings.map((heading) => (
                  <th scope="col" key={heading}>
                    {heading}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      )}
    </details>
  );
};

/** Null: not a question for this case (an imported case has no deadlines to breach). */
const yesNo = (t: Translate, value: boolean | null): string => (value === null ? '—' : value ? t('yes') : t('no'));

const Breakdown = ({ breakdown }: { breakdown: Cases }) => {
  const t = useMessages(text);
  const { word } = useVocabulary();
  const format = useFormat();
  return (
    <>
      <CaseList title={t('handledCases')} count={breakdown.handled.length} headings={[t('case'), t('events')]}>
        {breakdown.handled.map(caseWithEvents)}
      </CaseList>
      <CaseList title={t('closedList')} count={breakdown.closed.length} headings={[t('case'), t('firstResponse'), t('resolution'), t('breached'), t('satisfaction'), t('reopened'), t('escalated'), t('events')]}>
        {breakdown.closed.map((c) => (
          <tr key={c.complaintId}>
            <td>
              <CaseLink id={c.complaintId} />
            </td>
            <td>{seconds(c.firstResponseSeconds, format)}</td>
            <td>{seconds(c.resolutionSeconds, format)}</td>
            <td>{yesNo(t, c.breached)}</td>
            <td>{format.number(c.satisfaction)}</td>
            <td>{yesNo(t, c.reopened)}</td>
            <td>{yesNo(t, c.escalated)}</td>
            <td>
              <EventList events={c.events} />
            </td>
          </tr>
        ))}
      </CaseList>
      <CaseList title={t('openList')} count={breakdown.openAtEnd.length} headings={[t('case'), t('events')]}>
        {breakdown.openAtEnd.map(caseWithEvents)}
      </CaseList>
      <CaseList
        title={t('weightedList')}
        count={breakdown.weighted.length}
        headings={[t('case'), t('category'), t('severity'), t('categoryWeight'), t('severityMultiplier'), t('breachMultiplier'), t('satisfactionMultiplier'), t('complaintWeight'), t('events')]}
      >
        {breakdown.weighted.map((c) => (
          <tr key={c.complaintId}>
            <td>
              <CaseLink id={c.complaintId} />
            </td>
            <td>{word(c.category)}</td>
            <td>{word(c.severity)}</td>
            <td>{format.number(c.categoryWeight)}</td>
            <td>{format.number(c.severityMultiplier)}</td>
            <td>{format.number(c.breachMultiplier)}</td>
            <td>{format.number(c.satisfactionMultiplier)}</td>
            <td>
              {format.number(c.weight)}
              {c.capped ? ` (${t('capped')})` : ''}
            </td>
            <td>
              <EventList events={c.events} />
            </td>
          </tr>
        ))}
      </CaseList>
    </>
  );
};
