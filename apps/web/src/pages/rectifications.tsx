import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { DispatchRectificationBody, RectificationStatus } from '@redress/contracts';
import type { TrackingRow } from '@redress/projections';
import { api, query } from '../api';
import { useResource } from '../resource';
import { messages, useFormat, useMessages, useVocabulary } from '../i18n';
import { useStaff } from '../session';
import { DISPATCHERS, may } from '../roles';
import { Empty, ErrorNotice, ExportButton, Loading, Section, Tag } from '../components/common';
import { SchemaForm } from '../components/schema-form';
import { currentStep } from '../../../../libs/domain/src/rectification/rectification';

/** The five steps' names (投诉整改五步法), shared with the item page. */
export const stepText = messages(
  { step1: 'Dispatch', step2: 'Accept', step3: 'Report back', step4: 'Review', step5: 'Confirm', next: 'Next: {n} {name}', allDone: 'All five steps done' },
  { step1: '问题分派', step2: '问题解决', step3: '解决情况反馈', step4: '审核', step5: '确认', next: '下一步：{n} {name}', allDone: '五步均已完成' },
);
export const STEPS = [1, 2, 3, 4, 5] as const;
export type StepNumber = (typeof STEPS)[number];
export type StepState = 'done' | 'current' | 'todo';

export type Status = TrackingRow['status'];

/**
 * The step a status waits for: the domain's current step (a return sends the
 * item back to step 2, so the steps after it are to be done again), except
 * that a confirmed item waits for nothing (the domain keeps it in step 5).
 */
const waitsFor = (status: Status): number => (status === 'confirmed' ? STEPS.length + 1 : currentStep(status));

export const stepState = (step: StepNumber, status: Status): StepState => {
  const next = waitsFor(status);
  return step < next ? 'done' : step === next ? 'current' : 'todo';
};

/** The step the item waits for; none once confirmed. */
export const nextStep = (status: Status): StepNumber | undefined => STEPS.find((step) => step === waitsFor(status));

export const statusTone = (status: string): 'ok' | 'warning' | 'muted' => (status === 'approved' || status === 'confirmed' ? 'ok' : status === 'returned' ? 'warning' : 'muted');

const text = messages(
  {
    title: 'Rectification tracking',
    intro: 'Problems found in complaints, dispatched to the responsible department and followed through the five steps: dispatch, accept, report back, review, confirm.',
    filters: 'Filters',
    department: 'Department',
    step: 'Step',
    status: 'Status',
    overdue: 'Overdue',
    dispatchedFrom: 'Dispatched from',
    dispatchedTo: 'Dispatched to (inclusive)',
    sort: 'Order',
    any: 'Any',
    yes: 'Yes',
    no: 'No',
    sortDefault: 'Dispatched, oldest first',
    sortDispatchedDesc: 'Dispatched, newest first',
    sortDeadline: 'Deadline, soonest first',
    sortDeadlineDesc: 'Deadline, latest first',
    sortUpdatedDesc: 'Recently updated',
    apply: 'Apply',
    clear: 'Clear',
    items: 'Items',
    colNo: 'No.',
    colProblem: 'Problem',
    colSources: 'Source complaints',
    colDepartment: 'Department',
    colProgress: 'Progress',
    colStatus: 'Status',
    colDeadline: 'Deadline',
    colDispatched: 'Dispatched',
    colResponsible: 'Responsible person',
    colDaysOpen: 'Days open',
    colReturns: 'Returns',
    overdueTag: 'Overdue',
    loadMore: 'Load more',
    dispatch: 'Dispatch a problem (step 1)',
    openDispatch: 'New dispatch',
    closeDispatch: 'Close',
    dispatchSubmit: 'Dispatch',
    fromComplaint: 'Complaint from the case page',
    fromHint: 'Copy this id into Source complaint ids (one per line), with any other complaints showing the same problem.',
  },
  {
    title: '投诉问题整改跟踪表',
    intro: '投诉中发现的问题分派给责任部门，按整改五步法跟踪：问题分派、问题解决、解决情况反馈、审核、确认。',
    filters: '筛选',
    department: '责任部门',
    step: '步骤',
    status: '状态',
    overdue: '逾期',
    dispatchedFrom: '分派日期自',
    dispatchedTo: '分派日期至（含）',
    sort: '排序',
    any: '全部',
    yes: '是',
    no: '否',
    sortDefault: '分派日期，从早到晚',
    sortDispatchedDesc: '分派日期，从晚到早',
    sortDeadline: '整改期限，从近到远',
    sortDeadlineDesc: '整改期限，从远到近',
    sortUpdatedDesc: '最近更新',
    apply: '筛选',
    clear: '清除',
    items: '整改事项',
    colNo: '序号',
    colProblem: '问题',
    colSources: '来源投诉',
    colDepartment: '责任部门',
    colProgress: '进度',
    colStatus: '状态',
    colDeadline: '整改期限',
    colDispatched: '分派日期',
    colResponsible: '责任人',
    colDaysOpen: '已用天数',
    colReturns: '退回次数',
    overdueTag: '逾期',
    loadMore: '加载更多',
    dispatch: '问题分派（第 1 步）',
    openDispatch: '分派新问题',
    closeDispatch: '收起',
    dispatchSubmit: '分派',
    fromComplaint: '来自案件页的投诉',
    fromHint: '请将此编号复制到“来源投诉”（每行一个），并补充反映同一问题的其他投诉。',
  },
);

/** The filters the URL keeps and the api takes (by the same names). */
const FILTERS = ['department', 'step', 'status', 'overdue', 'dispatchedFrom', 'dispatchedTo', 'sort'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

const SORTS = [
  ['', 'sortDefault'],
  ['-dispatchedAt', 'sortDispatchedDesc'],
  ['deadline', 'sortDeadline'],
  ['-deadline', 'sortDeadlineDesc'],
  ['-updatedAt', 'sortUpdatedDesc'],
] as const;

const PAGE_SIZE = 50;
/** The table's columns, in order, with the classes that align numbers and fold minor columns away on a phone. */
const HEADINGS = [
  ['colNo', 'number hide-narrow'],
  ['colProblem'],
  ['colSources', 'hide-narrow'],
  ['colDepartment'],
  ['colProgress'],
  ['colStatus'],
  ['colDeadline'],
  ['colDispatched', 'hide-narrow'],
  ['colResponsible', 'hide-narrow'],
  ['colDaysOpen', 'number hide-narrow'],
  ['colReturns', 'number hide-narrow'],
] as const satisfies ReadonlyArray<readonly [string, string?]>;
const COLUMNS = HEADINGS.length;

/** The filters that are set, from the URL or the form. */
const filtersOf = (source: { get(name: string): unknown }): Filters =>
  Object.fromEntries(
    FILTERS.flatMap((name) => {
      const value = String(source.get(name) ?? '').trim();
      return value === '' ? [] : [[name, value]];
    }),
  );

/**
 * The start of a day the user picked, as an instant: date inputs name days
 * in the user's time zone, the api compares instants. Anything but a plain
 * date (an instant in a shared link) goes to the api as it is.
 */
const startOfDay = (date: string, laterBy = 0): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  const at = new Date(`${date}T00:00`);
  at.setDate(at.getDate() + laterBy);
  return at.toISOString();
};

/** The api's parameters for the filters: the "to" day counts in full, since the api's upper bound is exclusive. */
const apiParams = (filters: Filters): Filters => ({
  ...filters,
  ...(filters.dispatchedFrom ? { dispatchedFrom: startOfDay(filters.dispatchedFrom) } : {}),
  ...(filters.dispatchedTo ? { dispatchedTo: startOfDay(filters.dispatchedTo, 1) } : {}),
});

/** uuidv7s share their leading (time) digits: the random tail tells them apart. */
const shortId = (id: string): string => `…${id.slice(-8)}`;

const excerpt = (value: string, length = 140): string => (value.length > length ? `${value.slice(0, length - 1)}…` : value);

/** Five segments, done / current / to do, with the step's name as text. */
export const StepBar = ({ status }: { status: Status }) => {
  const t = useMessages(stepText);
  const next = nextStep(status);
  return (
    <>
      <div className="steps" aria-hidden="true">
        {STEPS.map((step) => (
          <span key={step} className={`step ${stepState(step, status)}`} />
        ))}
      </div>
      <span className="hint">{next ? t('next', { n: next, name: t(`step${next}`) }) : t('allDone')}</span>
    </>
  );
};

interface TrackingPage {
  readonly items: readonly TrackingRow[];
  readonly nextCursor?: string;
}

const Row = ({ row }: { row: TrackingRow }) => {
  const t = useMessages(text);
  const { time } = useFormat();
  return (
    <tr data-testid="rectification-row" className={row.overdue ? 'overdue' : undefined}>
      <td className="number hide-narrow">{row.no}</td>
      <td>
        <Link to={`/rectifications/${row.id}`} title={row.problem ?? undefined}>
          {row.problem === null ? row.id : excerpt(row.problem)}
        </Link>
        {row.overdue ? (
          <>
            {' '}
            <span className="tag tag-danger">{t('overdueTag')}</span>
          </>
        ) : null}
      </td>
      <td className="hide-narrow">
        {row.sourceComplaints.map((id) => (
          <div key={id}>
            <Link to={`/cases/${id}`} title={id} className="rect-id">
              {shortId(id)}
            </Link>
          </div>
        ))}
      </td>
      <td>{row.department ?? '—'}</td>
      <td>
        <StepBar status={row.status} />
      </td>
      <td>
        <Tag value={row.status} tone={statusTone(row.status)} />
      </td>
      <td>{time(row.deadline)}</td>
      <td className="hide-narrow">{time(row.dispatchedAt)}</td>
      <td className="hide-narrow">{row.responsiblePerson ?? '—'}</td>
      <td className="number hide-narrow">{row.daysOpen}</td>
      <td className="number hide-narrow">{row.returns}</td>
    </tr>
  );
};

/** A message row across the whole table. */
const Wide = ({ children }: { children: ReactNode }) => (
  <tr>
    <td colSpan={COLUMNS}>{children}</td>
  </tr>
);

/**
 * One page of rows as its own <tbody>: "load more" adds a page below the
 * ones already shown, each fetched once, instead of refetching them all.
 */
const TablePage = ({ filters, cursor, onMore }: { filters: Filters; cursor?: string; onMore?: (cursor: string) => void }) => {
  const t = useMessages(text);
  const page = useResource<TrackingPage>(`/rectifications${query({ ...filters, limit: PAGE_SIZE, cursor })}`);
  if (page.error) {
    return (
      <tbody>
        <Wide>
          <ErrorNotice error={page.error} />
        </Wide>
      </tbody>
    );
  }
  if (!page.data) {
    return (
      <tbody>
        <Wide>
          <Loading />
        </Wide>
      </tbody>
    );
  }
  const { items, nextCursor } = page.data;
  return (
    <tbody>
      {items.map((row) => (
        <Row key={row.id} row={row} />
      ))}
      {items.length === 0 && cursor === undefined ? (
        <Wide>
          <Empty />
        </Wide>
      ) : null}
      {onMore && nextCursor ? (
        <Wide>
          <button type="button" className="secondary" onClick={() => onMore(nextCursor)}>
            {t('loadMore')}
          </button>
        </Wide>
      ) : null}
    </tbody>
  );
};

/** The table for one set of filters (the page keys it by them, so new filters start again from the first page). */
const TrackingTable = ({ filters }: { filters: Filters }) => {
  const t = useMessages(text);
  const [cursors, setCursors] = useState<string[]>([]);
  const pages = [undefined, ...cursors];
  return (
    <div className="table-scroll">
      <table data-testid="rectification-table">
        <thead>
          <tr>
            {HEADINGS.map(([key, className]) => (
              <th key={key} scope="col" className={className}>
                {t(key)}
              </th>
            ))}
          </tr>
        </thead>
        {pages.map((cursor, i) => (
          <TablePage key={cursor ?? ''} filters={filters} cursor={cursor} onMore={i === pages.length - 1 ? (next) => setCursors([...cursors, next]) : undefined} />
        ))}
      </table>
    </div>
  );
};

const FilterForm = ({ filters, onApply }: { filters: Filters; onApply: (next: Filters) => void }) => {
  const t = useMessages(text);
  const steps = useMessages(stepText);
  const { word } = useVocabulary();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply(filtersOf(new FormData(event.currentTarget)));
  };
  return (
    // Keyed by the filters, so going back in history shows the filters of that page.
    <form key={JSON.stringify(filters)} className="filters" role="search" aria-label={t('filters')} onSubmit={submit}>
      <div className="field">
        <label htmlFor="filter-department">{t('department')}</label>
        <input id="filter-department" name="department" defaultValue={filters.department ?? ''} maxLength={200} />
      </div>
      <div className="field">
        <label htmlFor="filter-step">{t('step')}</label>
        <select id="filter-step" name="step" defaultValue={filters.step ?? ''}>
          <option value="">{t('any')}</option>
          {/* No item is ever in step 1: dispatching it makes it. */}
          {STEPS.filter((step) => step > 1).map((step) => (
            <option key={step} value={step}>
              {step} {steps(`step${step}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-status">{t('status')}</label>
        <select id="filter-status" name="status" defaultValue={filters.status ?? ''}>
          <option value="">{t('any')}</option>
          {RectificationStatus.values.map((status) => (
            <option key={status} value={status}>
              {word(status)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-overdue">{t('overdue')}</label>
        <select id="filter-overdue" name="overdue" defaultValue={filters.overdue ?? ''}>
          <option value="">{t('any')}</option>
          <option value="true">{t('yes')}</option>
          <option value="false">{t('no')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-from">{t('dispatchedFrom')}</label>
        <input id="filter-from" name="dispatchedFrom" type="date" defaultValue={filters.dispatchedFrom ?? ''} />
      </div>
      <div className="field">
        <label htmlFor="filter-to">{t('dispatchedTo')}</label>
        <input id="filter-to" name="dispatchedTo" type="date" defaultValue={filters.dispatchedTo ?? ''} />
      </div>
      <div className="field">
        <label htmlFor="filter-sort">{t('sort')}</label>
        <select id="filter-sort" name="sort" defaultValue={filters.sort ?? ''}>
          {SORTS.map(([value, label]) => (
            <option key={value} value={value}>
              {t(label)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">{t('apply')}</button>
      <button type="button" className="secondary" onClick={() => onApply({})}>
        {t('clear')}
      </button>
    </form>
  );
};

/** Step 1, for complaint analysis; the case page links here with ?from=<complaint id>. */
const DispatchPanel = ({ from }: { from: string | null }) => {
  const t = useMessages(text);
  const navigate = useNavigate();
  const [open, setOpen] = useState(from !== null);
  return (
    <Section
      title={t('dispatch')}
      actions={
        <button type="button" className="secondary" aria-expanded={open} aria-controls="rect-dispatch-panel" onClick={() => setOpen(!open)}>
          {open ? t('closeDispatch') : t('openDispatch')}
        </button>
      }
    >
      <div id="rect-dispatch-panel" hidden={!open}>
        {from ? (
          <div className="field">
            <label htmlFor="rect-dispatch-from">{t('fromComplaint')}</label>
            <input id="rect-dispatch-from" value={from} readOnly size={40} aria-describedby="rect-dispatch-from-hint" onFocus={(event) => event.currentTarget.select()} />
            <span id="rect-dispatch-from-hint" className="hint">
              {t('fromHint')}
            </span>
          </div>
        ) : null}
        <SchemaForm
          codec={DispatchRectificationBody}
          id="rect-dispatch"
          submitLabel={t('dispatchSubmit')}
          onSubmit={async (body) => {
            const { body: outcome } = await api.post('/rectifications', body);
            void navigate(`/rectifications/${outcome.id}`);
          }}
        />
      </div>
    </Section>
  );
};

/** 投诉问题整改跟踪表: the filtered table (filters in the URL, so it can be linked), its CSV, and dispatch. */
export const Rectifications = () => {
  const t = useMessages(text);
  const staff = useStaff();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const forApi = apiParams(filters);
  const from = params.get('from');
  // New filters keep ?from=, so the dispatch hint stays while the user looks for related items.
  const apply = (next: Filters) => setParams(query({ ...next, from }));
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="hint">{t('intro')}</p>
      {may(staff.role, DISPATCHERS) ? <DispatchPanel from={from} /> : null}
      <Section title={t('items')} actions={<ExportButton path={`/rectifications${query(forApi)}`} fileName="rectifications.csv" />}>
        <FilterForm filters={filters} onApply={apply} />
        <TrackingTable key={query(forApi)} filters={forApi} />
      </Section>
    </>
  );
};
