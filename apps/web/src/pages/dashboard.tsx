import { useMemo, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CellDrillDown, DrillDown } from '@redress/projections';
import { DAY_MS, periodOf, type Period } from '../../../../libs/domain/src/calendar';
import { query } from '../api';
import { useResource } from '../resource';
import { messages, useFormat, useMessages, useVocabulary } from '../i18n';
import { useStaff } from '../session';
import { BROWSER_ZONE, localMidnight } from '../zone';
import { ANALYSTS, may } from '../roles';
import { Empty, ErrorNotice, Loading, Section } from '../components/common';

const text = messages(
  {
    title: 'Complaint analysis',
    notAnalyst: 'Complaint analysis is for supervisors, analysts, auditors and administrators.',
    filters: 'What to show',
    period: 'Trend by',
    day: 'Day',
    week: 'Week',
    month: 'Month',
    quarter: 'Quarter',
    from: 'Received from',
    to: 'Received until',
    rangeHint: 'Days in your time zone (UTC{offset}), both included; leave a day empty for no limit.',
    badRange: 'The first day must not be after the last.',
    dimension: 'Break down by',
    received: 'Received',
    open: 'Open',
    closed: 'Closed',
    slaCompliance: 'SLA compliance',
    satisfaction: 'Average satisfaction',
    outOfFive: '{value} / 5',
    headline: 'Totals',
    trend: 'Received by {period}, and how many of them are now closed',
    trendChart: 'Bar chart: complaints received and closed (of those received) per {period}',
    breakdown: 'Received by {dimension}',
    breakdownChart: 'Bar chart: complaints received by {dimension}',
    service: 'SLA compliance and satisfaction by {dimension}',
    slaChart: 'Bar chart: SLA compliance (%) by {dimension}',
    satisfactionChart: 'Bar chart: average satisfaction (1 to 5) by {dimension}',
    rootCauses: 'Root causes',
    rootCauseChart: 'Bar chart: complaints received by root cause',
    clickHint: 'Click a bar, or a figure in the table, to list its cases.',
    showTable: 'Show as table',
    cases: 'Cases',
    casesOf: '{count} cases: {label}',
    breaches: 'The {count} cases in breach of a deadline',
    unset: '(not set)',
  },
  {
    title: '投诉分析',
    notAnalyst: '投诉分析仅供主管、分析员、审计和管理员使用。',
    filters: '显示范围',
    period: '趋势粒度',
    day: '日',
    week: '周',
    month: '月',
    quarter: '季度',
    from: '接收日期自',
    to: '接收日期至',
    rangeHint: '按本地时区（UTC{offset}）的日期，含首尾两天；留空表示不限。',
    badRange: '开始日期不能晚于结束日期。',
    dimension: '分组维度',
    received: '接收量',
    open: '未结',
    closed: '已结案',
    slaCompliance: 'SLA 达标率',
    satisfaction: '平均满意度',
    outOfFive: '{value} / 5',
    headline: '总计',
    trend: '按{period}统计的接收量及其中已结案数',
    trendChart: '柱状图：每{period}接收的投诉数及其中已结案数',
    breakdown: '按{dimension}统计的接收量',
    breakdownChart: '柱状图：按{dimension}统计的投诉接收量',
    service: '按{dimension}统计的 SLA 达标率与满意度',
    slaChart: '柱状图：按{dimension}统计的 SLA 达标率（%）',
    satisfactionChart: '柱状图：按{dimension}统计的平均满意度（1 至 5）',
    rootCauses: '根因分布',
    rootCauseChart: '柱状图：按根因统计的投诉接收量',
    clickHint: '点击柱形或表中数字，查看对应投诉。',
    showTable: '以表格显示',
    cases: '投诉数',
    casesOf: '{count} 件投诉：{label}',
    breaches: '超出时限的 {count} 件投诉',
    unset: '（未填写）',
  },
);
type Key = keyof (typeof text)['en'];

const PERIODS: readonly Period[] = ['month', 'week', 'quarter', 'day'];
const DIMENSIONS = ['category', 'department', 'channel', 'region', 'product', 'customerType', 'severity', 'rootCause'] as const;
type Dimension = (typeof DIMENSIONS)[number];
/** One set of figures for every chart: the headline needs them all, and they cost the api nothing more. */
const METRICS = 'received,open,closed,slaCompliance,satisfactionAvg';
/** The stylesheet's accent, ok and warning inks: recharts paints SVG attributes, which cannot read CSS variables. */
const COLOURS = { received: '#1f5fbf', closed: '#1e7a3c', sla: '#1e7a3c', satisfaction: '#8a5a00' };

/** A row of GET /analytics/complaints: its dimension values (and period), the figures asked for, and its cases. */
interface AnalyticsRow {
  readonly [dimension: string]: unknown;
  readonly period?: string;
  readonly received: number;
  readonly open: number;
  readonly closed: number;
  readonly slaCompliance: number | null;
  readonly satisfactionAvg: number | null;
  /** Its cases, and those behind each figure that counts cases (`open`, `closed`, `breached` …). */
  readonly drillDown: CellDrillDown;
}
interface AnalyticsAnswer {
  readonly rows: readonly AnalyticsRow[];
  readonly totals: AnalyticsRow;
}

/** What a chart and its table show of a row; the hrefs are missing for a period without cases. */
interface Datum {
  readonly key: string;
  readonly label: string;
  readonly received: number;
  readonly open: number;
  readonly closed: number;
  /** SLA compliance in %, as the axis reads. */
  readonly sla: number | null;
  readonly satisfaction: number | null;
  readonly href?: string;
  /** The cases of the row now closed. */
  readonly closedHref?: string;
}

const datum = (row: AnalyticsRow, key: string, label: string): Datum => ({
  key,
  label,
  received: row.received,
  open: row.open,
  closed: row.closed,
  sla: row.slaCompliance === null ? null : Math.round(row.slaCompliance * 1000) / 10,
  satisfaction: row.satisfactionAvg,
  href: row.drillDown.href,
  ...(row.drillDown.figures.closed ? { closedHref: row.drillDown.figures.closed.href } : {}),
});

/** The inbox at `/` passes its query straight to GET /cases, so an api drill-down link becomes an inbox link as it is. */
const inboxPath = (href: string): string => `/?${new URL(href, location.origin).search.slice(1)}`;

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The last twelve months, this one included, as local days. */
const lastTwelveMonths = (now: Date): { from: string; to: string } => {
  const [year, month] = [now.getFullYear(), now.getMonth()];
  return { from: isoDay(Date.UTC(year, month - 11, 1)), to: isoDay(Date.UTC(year, month + 1, 0)) };
};

/** A day from the address: "" means no limit; anything else that is not a day gives the default. */
const dayOr = (value: string | null, fallback: string): string => (value !== null && (value === '' || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)))) ? value : fallback);

/** Ten years of days: past that the trend shows only the periods with cases (a year being typed passes through 0002). */
const MAX_FILLED_DAYS = 3660;

/** Every period label between two days (both included): a period without cases still shows, as nothing. */
const periodsBetween = (period: Period, from: string, to: string): string[] => {
  const labels: string[] = [];
  if (Date.parse(to) - Date.parse(from) > MAX_FILLED_DAYS * DAY_MS) return labels;
  for (let at = Date.parse(from); at <= Date.parse(to); at += DAY_MS) {
    const label = periodOf(period, isoDay(at));
    if (labels[labels.length - 1] !== label) labels.push(label);
  }
  return labels;
};

/** Long free-text values (products, root causes) would run off the axis; the table gives them in full. */
const short = (label: string): string => (label.length > 16 ? `${label.slice(0, 15)}…` : label);

export const Dashboard = () => {
  const staff = useStaff();
  const t = useMessages(text);
  return may(staff.role, ANALYSTS) ? <Analysis /> : <p className="error-notice">{t('notAnalyst')}</p>;
};

/** The choices live in the address, so a view can be bookmarked and shared; "" for a day means no limit. */
const Analysis = () => {
  const t = useMessages(text);
  const { field, word } = useVocabulary();
  const [search, setSearch] = useSearchParams();
  const defaults = useMemo(() => lastTwelveMonths(new Date()), []);
  const period = PERIODS.find((p) => p === search.get('period')) ?? 'month';
  const dimension = DIMENSIONS.find((d) => d === search.get('by')) ?? 'category';
  const from = dayOr(search.get('from'), defaults.from);
  const to = dayOr(search.get('to'), defaults.to);
  const valid = from === '' || to === '' || from <= to;
  const choose = (name: string, value: string) =>
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set(name, value);
        return next;
      },
      { replace: true },
    );

  // Cases received in [from, to), in the browser's days: the last day is included, so `to` is the start of the day after it.
  const range = { from: from && localMidnight(from), to: to && localMidnight(isoDay(Date.parse(to) + DAY_MS)), utcOffset: BROWSER_ZONE.text };
  const analysis = (groupBy?: string, by?: Period) => (valid ? `/analytics/complaints${query({ groupBy, period: by, metrics: METRICS, ...range })}` : null);
  const trend = useResource<AnalyticsAnswer>(analysis(undefined, period));
  const breakdown = useResource<AnalyticsAnswer>(analysis(dimension));
  // Broken down by root cause already: the same answer serves both sections.
  const ownRootCauses = useResource<AnalyticsAnswer>(dimension === 'rootCause' ? null : analysis('rootCause'));
  const rootCauses = dimension === 'rootCause' ? breakdown : ownRootCauses;

  const label = (value: unknown): string => (value === null || value === undefined ? t('unset') : word(String(value)));
  const byDimension = (result: AnalyticsAnswer | undefined, name: Dimension): Datum[] =>
    (result?.rows ?? []).map((row) => datum(row, row.drillDown.href, label(row[name]))).sort((a, b) => b.received - a.received);
  const trendData = useMemo((): Datum[] => {
    const rows = new Map((trend.data?.rows ?? []).map((row) => [row.period as string, row]));
    const labels = new Set([...(from && to ? periodsBetween(period, from, to) : []), ...rows.keys()]);
    return [...labels].sort().map((key) => {
      const row = rows.get(key);
      return row ? datum(row, key, key) : { key, label: key, received: 0, open: 0, closed: 0, sla: null, satisfaction: null };
    });
  }, [trend.data, period, from, to]);
  const breakdownData = byDimension(breakdown.data, dimension);
  const rootCauseData = byDimension(rootCauses.data, 'rootCause');
  const periodName = t(period).toLowerCase();
  const dimensionName = field(dimension);

  return (
    <>
      <h1>{t('title')}</h1>
      <Section title={t('filters')}>
        <div className="filters">
          <div className="field">
            <label htmlFor="analysis-period">{t('period')}</label>
            <select id="analysis-period" value={period} onChange={(event) => choose('period', event.target.value)}>
              {PERIODS.map((p) => (
                <option key={p} value={p}>
                  {t(p)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="analysis-from">{t('from')}</label>
            <input id="analysis-from" type="date" value={from} max={to || undefined} onChange={(event) => choose('from', event.target.value)} aria-describedby="analysis-range-hint" />
          </div>
          <div className="field">
            <label htmlFor="analysis-to">{t('to')}</label>
            <input id="analysis-to" type="date" value={to} min={from || undefined} onChange={(event) => choose('to', event.target.value)} aria-describedby="analysis-range-hint" />
          </div>
          <div className="field">
            <label htmlFor="analysis-dimension">{t('dimension')}</label>
            <select id="analysis-dimension" value={dimension} onChange={(event) => choose('by', event.target.value)}>
              {DIMENSIONS.map((d) => (
                <option key={d} value={d}>
                  {field(d)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="hint" id="analysis-range-hint">
          {t('rangeHint', { offset: BROWSER_ZONE.text })} {t('clickHint')}
        </p>
        {valid ? null : (
          <p className="error-notice" role="alert">
            {t('badRange')}
          </p>
        )}
      </Section>

      {/* Figures for another range would read as this one's. */}
      {valid ? (
        <>
          {/* Totals are over every group, whatever the grouping: the root-cause answer's stay put while the breakdown changes. */}
          {rootCauses.data ? <Headline totals={rootCauses.data.totals} /> : null}

          <Section title={t('trend', { period: periodName })}>
            <Figures resource={trend} empty={trendData.length === 0}>
              <Chart testId="trend-chart" title={t('trendChart', { period: periodName })} data={trendData} series={[{ key: 'received', name: t('received') }, { key: 'closed', name: t('closed'), cases: (d) => d.closedHref }]} />
              <DrillTable
                caption={t('trend', { period: periodName })}
                head={t(period)}
                data={trendData}
                columns={[
                  { title: t('received'), cell: (d) => <DrillLink href={d.href} count={d.received} label={d.label} /> },
                  { title: t('closed'), cell: (d) => <DrillLink href={d.closedHref} count={d.closed} label={d.label} /> },
                ]}
              />
            </Figures>
          </Section>

          <Section title={t('breakdown', { dimension: dimensionName })}>
            <Figures resource={breakdown} empty={breakdownData.length === 0}>
              <Chart testId="breakdown-chart" title={t('breakdownChart', { dimension: dimensionName })} data={breakdownData} series={[{ key: 'received', name: t('received') }]} vertical />
              <DrillTable
                caption={t('breakdown', { dimension: dimensionName })}
                head={dimensionName}
                data={breakdownData}
                open
                columns={[
                  { title: t('received'), cell: (d) => <DrillLink href={d.href} count={d.received} label={d.label} testId="drill-down" /> },
                  { title: t('open'), cell: (d) => d.open },
                  { title: t('closed'), cell: (d) => d.closed },
                ]}
              />
            </Figures>
          </Section>

          <Section title={t('service', { dimension: dimensionName })}>
            <Figures resource={breakdown} empty={breakdownData.length === 0}>
              <ServiceCharts data={breakdownData} dimension={dimensionName} />
            </Figures>
          </Section>

          <Section title={t('rootCauses')}>
            <Figures resource={rootCauses} empty={rootCauseData.length === 0}>
              <Chart title={t('rootCauseChart')} data={rootCauseData} series={[{ key: 'received', name: t('received') }]} vertical />
              <DrillTable caption={t('rootCauses')} head={field('rootCause')} data={rootCauseData} columns={[{ title: t('received'), cell: (d) => <DrillLink href={d.href} count={d.received} label={d.label} /> }]} />
            </Figures>
          </Section>
        </>
      ) : null}
    </>
  );
};

/** The range's totals: each count lists its cases, and SLA compliance the cases in breach. */
const Headline = ({ totals }: { totals: AnalyticsRow }) => {
  const t = useMessages(text);
  const { number, percent } = useFormat();
  const linked = (cases: DrillDown | undefined, shown: string, label?: string): ReactNode =>
    cases ? (
      // The figure shown starts its accessible name (WCAG 2.5.3), what it opens follows.
      <Link to={inboxPath(cases.href)} aria-label={label && `${shown}: ${label}`}>
        {shown}
      </Link>
    ) : (
      shown
    );
  const { figures: behind } = totals.drillDown;
  const figures: Array<[Key, ReactNode]> = [
    ['received', linked(totals.drillDown, number(totals.received))],
    ['open', linked(behind.open, number(totals.open))],
    ['closed', linked(behind.closed, number(totals.closed))],
    ['slaCompliance', linked(behind.breached, percent(totals.slaCompliance), behind.breached && t('breaches', { count: behind.breached.count }))],
    ['satisfaction', totals.satisfactionAvg === null ? '—' : t('outOfFive', { value: number(totals.satisfactionAvg) })],
  ];
  return (
    <section className="panel" aria-label={t('headline')}>
      <dl className="headline">
        {figures.map(([key, value]) => (
          <div key={key}>
            <dt>{t(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
};

/** A chart's answer: loading, refused, nothing in the range, or the figures. */
const Figures = ({ resource, empty, children }: { resource: { data?: AnalyticsAnswer; error?: Error; loading: boolean }; empty: boolean; children: ReactNode }) => {
  if (resource.error) return <ErrorNotice error={resource.error} />;
  if (!resource.data) return resource.loading ? <Loading /> : null;
  return empty ? <Empty /> : <>{children}</>;
};

const ServiceCharts = ({ data, dimension }: { data: readonly Datum[]; dimension: string }) => {
  const t = useMessages(text);
  const { number } = useFormat();
  return (
    <>
      <div className="grid">
        <Chart title={t('slaChart', { dimension })} data={data} series={[{ key: 'sla', name: t('slaCompliance') }]} vertical domain={[0, 100]} format={(value) => `${number(value)}%`} />
        <Chart title={t('satisfactionChart', { dimension })} data={data} series={[{ key: 'satisfaction', name: t('satisfaction') }]} vertical domain={[0, 5]} format={(value) => number(value)} />
      </div>
      <DrillTable
        caption={t('service', { dimension })}
        head={dimension}
        data={data}
        columns={[
          { title: t('slaCompliance'), cell: (d) => (d.sla === null ? '—' : `${number(d.sla)}%`) },
          { title: t('satisfaction'), cell: (d) => number(d.satisfaction) },
          { title: t('cases'), cell: (d) => <DrillLink href={d.href} count={d.received} label={d.label} /> },
        ]}
      />
    </>
  );
};

interface Series {
  readonly key: 'received' | 'closed' | 'sla' | 'satisfaction';
  readonly name: string;
  /** The cases behind this series' bar (the row's, unless it says). */
  readonly cases?: (datum: Datum) => string | undefined;
}

/**
 * Bars that open the inbox at their cases. The chart is an image to assistive
 * technology (its table below is the accessible way in), so recharts' own
 * keyboard layer is off: it would be a focus stop inside an image.
 */
const Chart = ({ testId, title, data, series, vertical = false, domain, format }: { testId?: string; title: string; data: readonly Datum[]; series: readonly Series[]; vertical?: boolean; domain?: [number, number]; format?: (value: number) => string }) => {
  const navigate = useNavigate();
  const open = (datum: Datum, { cases = (d: Datum) => d.href }: Series) => {
    const href = cases(datum);
    if (href) void navigate(inboxPath(href));
  };
  const valueAxis = { type: 'number' as const, allowDecimals: domain !== undefined, ...(domain ? { domain } : {}), ...(format ? { tickFormatter: format } : {}) };
  return (
    <div className="chart" role="img" aria-label={title} data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={[...data]} layout={vertical ? 'vertical' : 'horizontal'} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          {vertical ? <XAxis {...valueAxis} /> : <XAxis dataKey="label" />}
          {vertical ? <YAxis type="category" dataKey="label" width={120} tickFormatter={short} /> : <YAxis {...valueAxis} />}
          <Tooltip {...(format ? { formatter: (value: unknown) => (typeof value === 'number' ? format(value) : String(value)) } : {})} />
          {series.length > 1 ? <Legend itemSorter={(item) => series.findIndex((s) => s.key === item.dataKey)} /> : null}
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} fill={COLOURS[s.key]} cursor="pointer" isAnimationActive={false} onClick={(item) => open(item.payload as Datum, s)} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
};

interface Column {
  readonly title: string;
  readonly cell: (datum: Datum) => ReactNode;
}

/** The chart's rows as a table: the way in for the keyboard and for screen readers. */
const DrillTable = ({ caption, head, data, columns, open = false }: { caption: string; head: string; data: readonly Datum[]; columns: readonly Column[]; open?: boolean }) => {
  const t = useMessages(text);
  return (
    <details open={open}>
      <summary>
        {t('showTable')}
        <span className="visually-hidden">: {caption}</span>
      </summary>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{head}</th>
              {columns.map((column) => (
                <th scope="col" className="number" key={column.title}>
                  {column.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.key}>
                <th scope="row">{d.label}</th>
                {columns.map((column) => (
                  <td className="number" key={column.title}>
                    {column.cell(d)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
};

/** A count that opens the inbox at its cases; a bare number when there are none to list. */
const DrillLink = ({ href, count, label, testId }: { href: string | undefined; count: number; label: string; testId?: string }) => {
  const t = useMessages(text);
  const { number } = useFormat();
  if (!href || count === 0) return <>{number(count)}</>;
  return (
    <Link to={inboxPath(href)} aria-label={t('casesOf', { count, label })} data-testid={testId}>
      {number(count)}
    </Link>
  );
};
