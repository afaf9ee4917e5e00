import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Category, Channel, ComplaintStatus, Severity } from '@redress/contracts';
import { api, type ApiError } from '../api';
import { nextDeadline, type CasePage, type CaseSummary } from '../cases';
import { messages, useFormat, useMessages, useVocabulary } from '../i18n';
import { useChanges } from '../live';
import { useResource } from '../resource';
import { useStaff } from '../session';
import { BreachBadge, Countdown, Empty, ErrorNotice, Loading, Tag, useNow } from '../components/common';

const text = messages(
  {
    title: 'Inbox',
    mine: 'My cases',
    team: 'My team',
    all: 'All cases',
    status: 'Status',
    category: 'Category',
    severity: 'Severity',
    channel: 'Channel',
    open: 'Open only',
    breached: 'Breached only',
    search: 'Search',
    apply: 'Filter',
    clear: 'Clear',
    any: 'Any',
    subject: 'Subject',
    received: 'Received',
    assignee: 'Owner',
    department: 'Department',
    next: 'Next deadline',
    more: 'Load more',
    live: 'Live',
    offline: 'Reconnecting…',
    connecting: 'Connecting…',
    drilled: 'Showing the cases behind a figure of the analysis.',
    views: 'Views',
  },
  {
    title: '工作台',
    mine: '我的案件',
    team: '本部门',
    all: '全部案件',
    status: '状态',
    category: '分类',
    severity: '严重程度',
    channel: '渠道',
    open: '仅未结案',
    breached: '仅超时',
    search: '搜索',
    apply: '筛选',
    clear: '清除',
    any: '全部',
    subject: '主题',
    received: '接收时间',
    assignee: '负责人',
    department: '部门',
    next: '下一时限',
    more: '加载更多',
    live: '实时',
    offline: '正在重连…',
    connecting: '连接中…',
    drilled: '显示分析图表中该项对应的案件。',
    views: '视图',
  },
);

/** Parameters of the inbox's own; every other one in the page's URL goes to GET /cases as it is (the dashboard links here with its drill-down query). */
const VIEW = 'view';
type View = 'mine' | 'team' | 'all';

const casesQuery = (params: URLSearchParams, view: View, user: string, department: string | undefined): string => {
  const search = new URLSearchParams(params);
  search.delete(VIEW);
  if (view === 'mine') search.set('assignee', user);
  if (view === 'team' && department) search.set('department', department);
  search.set('limit', '50');
  return `/cases?${search.toString()}`;
};

const FILTERS = [
  ['status', ComplaintStatus.values],
  ['category', Category.values],
  ['severity', Severity.values],
  ['channel', Channel.values],
] as const;

export const Inbox = () => {
  const staff = useStaff();
  const t = useMessages(text);
  const { word } = useVocabulary();
  const format = useFormat();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const drilledDown = [...params.keys()].some((key) => key.startsWith('received'));
  const view: View = (params.get(VIEW) as View | null) ?? (drilledDown ? 'all' : staff.role === 'handler' ? 'mine' : 'all');
  const path = casesQuery(params, view, staff.user, staff.department);
  const first = useResource<CasePage>(path);
  /** Pages loaded after the first: kept when the first page is read again (a live update), dropped for other filters. */
  const [more, setMore] = useState<{ path: string; items: CaseSummary[]; nextCursor?: string; error?: ApiError }>({ path, items: [] });
  const extra = more.path === path ? more : { path, items: [] as CaseSummary[] };
  const shownPath = useRef(path);
  useEffect(() => {
    shownPath.current = path;
  }, [path]);

  // A change to any complaint (the api sends no others): read the list again once the read model has it. A burst (an import) reloads at most every 300 ms.
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(0);
  const { reload } = first;
  const onChange = useCallback(
    (change: { position: number }) => {
      latest.current = Math.max(latest.current, change.position);
      reloadTimer.current ??= setTimeout(() => {
        reloadTimer.current = undefined;
        reload(latest.current);
      }, 300);
    },
    [reload],
  );
  useEffect(() => () => clearTimeout(reloadTimer.current), []);
  const live = useChanges(onChange, first.position ?? (first.data ? 'head' : undefined), 'complaint-');

  const items = useMemo(() => {
    const shown = first.data?.items ?? [];
    const ids = new Set(shown.map((item) => item.id));
    return [...shown, ...extra.items.filter((item) => !ids.has(item.id))];
  }, [first.data, extra.items]);
  const cursor = extra.items.length > 0 ? extra.nextCursor : first.data?.nextCursor;

  const loadMore = async () => {
    if (!cursor) return;
    const from = path;
    try {
      const { body } = await api.get<CasePage>(`${from}&cursor=${encodeURIComponent(cursor)}`);
      // Another filter chosen meanwhile: this page is not of its list.
      if (shownPath.current !== from) return;
      setMore((previous) => ({ path: from, items: [...(previous.path === from ? previous.items : []), ...body.items], ...(body.nextCursor ? { nextCursor: body.nextCursor } : {}) }));
    } catch (error) {
      setMore({ ...extra, error: error as ApiError });
    }
  };

  const choose = (next: Record<string, string | undefined>) => {
    const search = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value === undefined || value === '') search.delete(key);
      else search.set(key, value);
    }
    setParams(search);
  };

  const submitSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    choose({ q: String(form.get('q') ?? '').trim() });
  };

  const views: Array<[View, string]> = [['mine', t('mine')], ...(staff.department ? [['team', t('team')] as [View, string]] : []), ['all', t('all')]];

  return (
    <>
      <div className="panel-header">
        <h1>{t('title')}</h1>
        <span className={`live live-${live}`} aria-live="polite">
          {t(live)}
        </span>
      </div>
      <div className="tabs" role="group" aria-label={t('views')}>
        {views.map(([name, label]) => (
          <button key={name} type="button" className={name === view ? '' : 'secondary'} aria-pressed={name === view} onClick={() => choose({ [VIEW]: name })}>
            {label}
          </button>
        ))}
      </div>
      {drilledDown ? <p className="hint">{t('drilled')}</p> : null}
      <div className="filters">
        {FILTERS.map(([name, values]) => (
          <div className="field" key={name}>
            <label htmlFor={`filter-${name}`}>{t(name)}</label>
            <select id={`filter-${name}`} value={params.get(name) ?? ''} onChange={(event) => choose({ [name]: event.target.value })}>
              <option value="">{t('any')}</option>
              {values.map((value) => (
                <option key={value} value={value}>
                  {word(value)}
                </option>
              ))}
            </select>
          </div>
        ))}
        <div className="field checkbox">
          <input id="filter-open" type="checkbox" checked={params.get('open') === 'true'} onChange={(event) => choose({ open: event.target.checked ? 'true' : undefined })} />
          <label htmlFor="filter-open">{t('open')}</label>
        </div>
        <div className="field checkbox">
          <input id="filter-breached" type="checkbox" checked={params.get('breached') === 'true'} onChange={(event) => choose({ breached: event.target.checked ? 'true' : undefined })} />
          <label htmlFor="filter-breached">{t('breached')}</label>
        </div>
        <form className="field" role="search" onSubmit={submitSearch}>
          <label htmlFor="filter-q">{t('search')}</label>
          <span>
            <input id="filter-q" name="q" type="search" defaultValue={params.get('q') ?? ''} key={params.get('q') ?? ''} /> <button type="submit">{t('apply')}</button>
          </span>
        </form>
        <button type="button" className="link" onClick={() => setParams(new URLSearchParams(view === 'all' ? {} : { [VIEW]: view }))}>
          {t('clear')}
        </button>
      </div>
      {first.error ? <ErrorNotice error={first.error} /> : null}
      {first.loading && !first.data ? <Loading /> : null}
      {first.data && items.length === 0 ? <Empty /> : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table data-testid="case-table">
            <thead>
              <tr>
                <th scope="col">{t('subject')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col" className="hide-narrow">{t('severity')}</th>
                <th scope="col" className="hide-narrow">{t('department')}</th>
                <th scope="col" className="hide-narrow">{t('assignee')}</th>
                <th scope="col">{t('next')}</th>
                <th scope="col" className="hide-narrow">{t('received')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const due = nextDeadline(item);
                return (
                  <tr key={item.id} data-testid="case-row" className={item.breached ? 'overdue' : ''}>
                    <td>
                      <Link to={`/cases/${item.id}`}>{item.subject}</Link>
                    </td>
                    <td>
                      <Tag value={item.status} />
                    </td>
                    <td className="hide-narrow">
                      <Tag value={item.severity} tone={item.severity === 'critical' || item.severity === 'high' ? 'warning' : 'muted'} />
                    </td>
                    <td className="hide-narrow">{item.department ?? '—'}</td>
                    <td className="hide-narrow">{item.assignee ?? '—'}</td>
                    <td>
                      {due ? <Countdown deadline={due.deadline} now={now} /> : '—'} {item.breached ? <BreachBadge /> : null}
                    </td>
                    <td className="hide-narrow">{format.time(item.receivedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {extra.error ? <ErrorNotice error={extra.error} /> : null}
      {cursor ? (
        <button type="button" className="secondary" onClick={() => void loadMore()}>
          {t('more')}
        </button>
      ) : null}
    </>
  );
};
