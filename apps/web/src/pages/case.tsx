import { useCallback, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { SlaStep } from '@redress/contracts';
import type { complaintView } from '../../../api/src/complaints/complaint-view';
import { api, command, type ApiError } from '../api';
import { ownershipRefusal } from '../../../../libs/domain/src/complaint/decide';
import { isFinished } from '../../../../libs/domain/src/complaint/state';
import { breachRecorded } from '../../../../libs/domain/src/sla/sla';
import { messages, useFormat, useMessages, useVocabulary } from '../i18n';
import { useChanges } from '../live';
import { useResource } from '../resource';
import { useStaff } from '../session';
import { COMPLAINT_ACTIONS, DISPATCHERS, may, type ComplaintAction } from '../roles';
import { BreachBadge, Countdown, ErrorNotice, Loading, Section, Tag, useNow } from '../components/common';
import { SchemaForm } from '../components/schema-form';

const text = messages(
  {
    complaint: 'Complaint',
    deadlines: 'Deadlines',
    actions: 'Actions',
    moreActions: 'Other actions',
    noActions: 'Your role takes no action on complaints.',
    notYours: 'Assigned to {assignee}: handlers act on their own cases (a supervisor can reassign it).',
    otherDepartment: 'This case is for department {department}: department staff act on their own department’s cases.',
    timeline: 'Timeline',
    rectifications: 'Rectifications',
    noRectifications: 'No rectification item names this complaint.',
    dispatch: 'Dispatch a rectification from this complaint',
    verified: 'Hash chain verified: {n} events',
    broken: 'Hash chain broken at revision {revision}: {reason}',
    unreadable: 'Personal data unreadable at revision {revision}: {reason}',
    asOf: 'State as of',
    recordedAt: 'Recorded at',
    show: 'Show',
    asOfTitle: 'As recorded at {time}',
    done: 'done {time}',
    notDue: 'no longer due',
    neverDone: 'never done',
    by: 'by {actor}',
    occurred: 'occurred {time}',
    recorded: 'recorded {time}',
    details: 'Details',
    back: 'Back to the inbox',
    erased: 'The complainant’s personal data was erased.',
    revision: 'Revision {n}',
    complainant: 'Complainant',
    anonymous: 'anonymous',
    escalation: 'Escalation level {n}',
    reopened: 'Reopened {n} times',
    live: 'Live',
    offline: 'Reconnecting…',
    connecting: 'Connecting…',
  },
  {
    complaint: '投诉',
    deadlines: '处理时限',
    actions: '操作',
    moreActions: '其他操作',
    noActions: '您的角色不处理投诉。',
    notYours: '本案件已指派给 {assignee}：处理人只处理自己的案件（主管可重新指派）。',
    otherDepartment: '本案件属于部门 {department}：部门人员只处理本部门的案件。',
    timeline: '时间线',
    rectifications: '整改',
    noRectifications: '尚无整改项关联此投诉。',
    dispatch: '据此投诉分派整改',
    verified: '哈希链校验通过：{n} 个事件',
    broken: '哈希链在版本 {revision} 处断裂：{reason}',
    unreadable: '个人信息在版本 {revision} 处无法读取：{reason}',
    asOf: '查看某时刻的状态',
    recordedAt: '记录时间',
    show: '查看',
    asOfTitle: '截至 {time} 的记录',
    done: '已于 {time} 完成',
    notDue: '无需再办',
    neverDone: '未完成',
    by: '操作人 {actor}',
    occurred: '发生于 {time}',
    recorded: '记录于 {time}',
    details: '详情',
    back: '返回工作台',
    erased: '投诉人的个人信息已被删除。',
    revision: '版本 {n}',
    complainant: '投诉人',
    anonymous: '匿名',
    escalation: '升级级别 {n}',
    reopened: '重新打开 {n} 次',
    live: '实时',
    offline: '正在重连…',
    connecting: '连接中…',
  },
);

/** Each action's name on its form and button, by its path in the api's route table. */
const actionNames = messages(
  {
    acknowledge: 'Acknowledge',
    classify: 'Classify',
    assign: 'Assign an owner',
    'investigation-notes': 'Add an investigation note',
    'root-cause': 'Record the root cause',
    resolution: 'Propose a resolution',
    'resolution/approve': 'Approve the resolution',
    'resolution/decline': 'Decline the resolution',
    implement: 'Implement and notify',
    contacts: 'Record a contact',
    'follow-up': 'Record the follow-up',
    close: 'Close and archive',
    reopen: 'Reopen',
    reject: 'Reject',
    withdraw: 'Withdrawn by the complainant',
    escalate: 'Escalate',
  },
  {
    acknowledge: '确认投诉内容',
    classify: '初步评估与分类',
    assign: '指派负责人',
    'investigation-notes': '添加调查记录',
    'root-cause': '调查与根因分析',
    resolution: '提出解决方案',
    'resolution/approve': '批准方案',
    'resolution/decline': '驳回方案',
    implement: '执行并通知客户',
    contacts: '记录联系',
    'follow-up': '回访',
    close: '结案归档',
    reopen: '重新打开',
    reject: '驳回投诉',
    withdraw: '投诉人撤回',
    escalate: '升级',
  },
);
type ActionPath = keyof typeof actionNames.en;

/** A complaint as GET /complaints/:id folds it from its stream: the api's own view type. */
type Complaint = ReturnType<typeof complaintView>;

interface HistoryEvent {
  readonly id: string;
  readonly type: string;
  readonly revision: number;
  readonly position: number;
  readonly recordedAt: string;
  readonly data: Record<string, unknown>;
  readonly metadata: { readonly actor?: { user: string; role: string }; readonly occurredAt?: string };
}

interface Verification {
  readonly ok: boolean;
  readonly verifiedEvents: number;
  readonly firstBreak?: Fault;
  /** Sealed personal data that no longer opens, though the complainant was not erased (a lost or altered key). */
  readonly firstUnreadable?: Fault;
}

interface Fault {
  readonly revision: number;
  readonly reason: string;
}

/** What the verification badge says: the chain's break first, as `verify` reports it. */
const verdict = (t: (key: keyof (typeof text)['en'], vars: Readonly<Record<string, string | number>>) => string, { ok, verifiedEvents, firstBreak, firstUnreadable }: Verification) =>
  ok
    ? t('verified', { n: verifiedEvents })
    : firstBreak
      ? t('broken', { revision: firstBreak.revision, reason: firstBreak.reason })
      : t('unreadable', { revision: firstUnreadable?.revision ?? '?', reason: firstUnreadable?.reason ?? '' });

/** The actions that usually come next from each status, offered first; the rest stay one click away (the domain decides). */
const NEXT: Readonly<Record<string, readonly string[]>> = {
  received: ['acknowledge', 'reject', 'withdraw'],
  acknowledged: ['classify', 'contacts'],
  classified: ['assign', 'investigation-notes'],
  assigned: ['investigation-notes', 'root-cause', 'escalate'],
  investigating: ['root-cause', 'resolution', 'investigation-notes'],
  resolution_proposed: ['resolution/approve', 'resolution/decline', 'implement'],
  resolution_approved: ['implement'],
  implemented: ['follow-up', 'close'],
  followed_up: ['close'],
  closed: ['reopen'],
};

const Facts = ({ complaint }: { complaint: Complaint }) => {
  const t = useMessages(text);
  const { word, field } = useVocabulary();
  const format = useFormat();
  const rows: Array<[string, string | undefined]> = [
    [field('status'), word(complaint.status)],
    [field('subject'), complaint.subject],
    [field('content'), complaint.content],
    [t('complainant'), complaint.complainant?.anonymous ? t('anonymous') : [complaint.complainant?.name, complaint.complainant?.contact].filter(Boolean).join(' · ')],
    [field('customerType'), word(complaint.complainant?.customerType)],
    [field('channel'), word(complaint.channel)],
    [field('product'), complaint.product],
    [field('region'), complaint.region],
    [field('receivedAt'), format.time(complaint.receivedAt)],
    [field('category'), word(complaint.classification?.category)],
    [field('severity'), word(complaint.classification?.severity)],
    [field('urgency'), word(complaint.classification?.urgency)],
    [field('department'), complaint.classification?.department],
    [field('assignee'), complaint.assignee],
    [field('rootCause'), complaint.rootCause && `${complaint.rootCause.category}: ${complaint.rootCause.description} (${field('substantiated')}: ${complaint.rootCause.substantiated ? '✓' : '✗'})`],
    [field('remedies'), complaint.resolution && `${complaint.resolution.summary} — ${complaint.resolution.remedies.map((remedy) => word(remedy.type)).join(', ')}`],
    [field('satisfaction'), complaint.followUp && `${complaint.followUp.satisfaction} / 5`],
    [field('outcome'), complaint.closure && `${word(complaint.closure.outcome)} — ${complaint.closure.summary}`],
  ];
  return (
    <dl className="facts">
      {rows
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([label, value]) => (
          <div key={label} style={{ display: 'contents' }}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
};

const Deadlines = ({ complaint }: { complaint: Complaint }) => {
  const t = useMessages(text);
  const { field } = useVocabulary();
  const format = useFormat();
  const now = useNow();
  if (!complaint.sla) return null;
  const finished = isFinished(complaint.status);
  return (
    <ul className="deadlines" data-testid="deadlines">
      {SlaStep.values.map((step) => {
        const deadline = complaint.sla?.[step];
        if (typeof deadline !== 'string') return null;
        const doneAt = complaint.slaProgress[step];
        // As the decider judges it: a breach before a reopen that renewed this deadline is in the timeline, not here.
        const breached = breachRecorded(complaint, step);
        // Done at a time; null: no longer due (the case ended first); absent: still to do, or never done if the case ended past its deadline.
        // Plain tags: Tag would look these sentences up as vocabulary words.
        const progress =
          typeof doneAt === 'string' ? (
            <span className="tag tag-ok">{t('done', { time: format.time(doneAt) })}</span>
          ) : doneAt === null ? (
            <span className="tag tag-muted">{t('notDue')}</span>
          ) : finished ? (
            <span className="tag tag-muted">{t('neverDone')}</span>
          ) : (
            <Countdown deadline={deadline} now={now} />
          );
        return (
          <li key={step} data-step={step}>
            <strong>{field(step)}</strong> {format.time(deadline)} {progress} {breached ? <BreachBadge /> : null}
          </li>
        );
      })}
    </ul>
  );
};

const Timeline = ({ events }: { events: readonly HistoryEvent[] }) => {
  const t = useMessages(text);
  const { eventName, word } = useVocabulary();
  const format = useFormat();
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((event) => (
        <li key={event.id} data-type={event.type}>
          <strong>{eventName(event.type)}</strong>{' '}
          <span className="meta">
            {t('by', { actor: event.metadata.actor ? `${event.metadata.actor.user} (${word(event.metadata.actor.role)})` : '—' })} · {t('occurred', { time: format.time(event.metadata.occurredAt) })} · {t('recorded', { time: format.time(event.recordedAt) })} ·{' '}
            {t('revision', { n: event.revision })}
          </span>
          <details>
            <summary>{t('details')}</summary>
            <pre>{JSON.stringify(event.data, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
};

/** The state at a past recording time: what an auditor compares with what was decided then. */
const StateAsOf = ({ id }: { id: string }) => {
  const t = useMessages(text);
  const format = useFormat();
  const [at, setAt] = useState('');
  const [result, setResult] = useState<{ asOf: string; complaint?: Complaint; error?: ApiError }>();
  const show = async (event: FormEvent) => {
    event.preventDefault();
    const asOf = new Date(at).toISOString();
    try {
      const { body } = await api.get<Complaint>(`/complaints/${id}/state?asOf=${encodeURIComponent(asOf)}`);
      setResult({ asOf, complaint: body });
    } catch (error) {
      setResult({ asOf, error: error as ApiError });
    }
  };
  return (
    <Section title={t('asOf')}>
      <form className="filters" onSubmit={(event) => void show(event)}>
        <div className="field">
          <label htmlFor="as-of">{t('recordedAt')}</label>
          <input id="as-of" type="datetime-local" step={1} value={at} onChange={(event) => setAt(event.target.value)} required />
        </div>
        <button type="submit">{t('show')}</button>
      </form>
      {result?.error ? <ErrorNotice error={result.error} /> : null}
      {result?.complaint ? (
        <div data-testid="state-as-of">
          <h3>{t('asOfTitle', { time: format.time(result.asOf) })}</h3>
          <Facts complaint={result.complaint} />
        </div>
      ) : null}
    </Section>
  );
};

export const CasePage = () => {
  const { id = '' } = useParams();
  const staff = useStaff();
  const t = useMessages(text);
  const actionName = useMessages(actionNames);
  const complaint = useResource<Complaint>(`/complaints/${id}`);
  const history = useResource<{ events: HistoryEvent[] }>(`/complaints/${id}/history`);
  const verification = useResource<Verification>(`/complaints/${id}/verify`);

  // Someone else acting on this case, or the SLA scheduler recording a breach, shows here without a reload.
  const { reload: rereadComplaint } = complaint;
  const { reload: rereadHistory } = history;
  const { reload: rereadVerification } = verification;
  const rereadAll = useCallback(() => {
    rereadComplaint();
    rereadHistory();
    rereadVerification();
  }, [rereadComplaint, rereadHistory, rereadVerification]);
  const shownUpTo = history.data?.events.at(-1)?.position;
  const live = useChanges(rereadAll, shownUpTo, `complaint-${id}`);

  // The domain's own rule: a handler works the cases assigned to them, department staff their department's; the api
  // refuses every action on anyone else's, so the forms are not offered there.
  const notTheirs = complaint.data ? ownershipRefusal(complaint.data, staff)?.code : undefined;
  const actions = notTheirs ? [] : Object.entries(COMPLAINT_ACTIONS).filter(([, action]) => may(staff.role, action.roles));
  const suggested = new Set(NEXT[complaint.data?.status ?? ''] ?? []);
  const act = (path: string) => (body: unknown) => command(`/complaints/${id}/${path}`, body, complaint.data?.revision, rereadAll);
  const actionForm = ([path, action]: [string, ComplaintAction]) => (
    <details key={path} className={`action${suggested.has(path) ? ' suggested' : ''}`} open={suggested.has(path) && path === NEXT[complaint.data?.status ?? '']?.[0]} data-action={path}>
      <summary title={action.summary}>{actionName(path as ActionPath)}</summary>
      <SchemaForm codec={action.body} id={`action-${path.replace('/', '-')}`} submitLabel={actionName(path as ActionPath)} onSubmit={act(path)} />
    </details>
  );

  // A reread that fails keeps the case on screen, and the forms with what was typed in them, under the error.
  if (!complaint.data) return complaint.error ? <ErrorNotice error={complaint.error} /> : <Loading />;
  const data = complaint.data;
  // One keyed list, suggested first: a form the next status suggests moves up with its draft instead of starting afresh.
  const ordered = [...actions.filter(([path]) => suggested.has(path)), ...actions.filter(([path]) => !suggested.has(path))];
  const firstOther = ordered.findIndex(([path]) => !suggested.has(path));
  return (
    <>
      <p>
        <Link to="/">← {t('back')}</Link>
      </p>
      <div className="panel-header">
        <h1>{data.subject ?? data.id}</h1>
        <span>
          <span className={`live live-${live}`} aria-live="polite">
            {t(live)}
          </span>{' '}
          <Tag value={data.status} /> {data.slaBreaches.length > 0 ? <BreachBadge /> : null}{' '}
          {verification.data ? (
            <span className={`verified tag ${verification.data.ok ? 'tag-ok' : 'tag-danger'}`} data-testid="verification">
              {verdict(t, verification.data)}
            </span>
          ) : null}
        </span>
      </div>
      {complaint.error ? <ErrorNotice error={complaint.error} /> : null}
      {data.personalDataErased ? <p className="hint">{t('erased')}</p> : null}
      <div className="columns">
        <div>
          <Section title={t('complaint')}>
            <Facts complaint={data} />
            <p className="hint">
              {t('revision', { n: data.revision })}
              {data.escalationLevel > 0 ? ` · ${t('escalation', { n: data.escalationLevel })}` : ''}
              {data.reopenCount > 0 ? ` · ${t('reopened', { n: data.reopenCount })}` : ''}
            </p>
          </Section>
          <Section title={t('timeline')}>{history.error ? <ErrorNotice error={history.error} /> : history.data ? <Timeline events={history.data.events} /> : <Loading />}</Section>
          <StateAsOf id={id} />
        </div>
        <div>
          <Section title={t('deadlines')}>
            <Deadlines complaint={data} />
          </Section>
          <Section title={t('actions')}>
            {notTheirs === 'NOT_CASE_OWNER' ? (
              <p className="hint">{t('notYours', { assignee: data.assignee ?? '' })}</p>
            ) : notTheirs === 'NOT_CASE_DEPARTMENT' ? (
              <p className="hint">{t('otherDepartment', { department: data.department ?? '—' })}</p>
            ) : actions.length === 0 ? (
              <p className="hint">{t('noActions')}</p>
            ) : null}
            {ordered.flatMap((entry, i) => (i === firstOther ? [<h3 key="more-actions">{t('moreActions')}</h3>, actionForm(entry)] : [actionForm(entry)]))}
          </Section>
          <Section title={t('rectifications')}>
            {data.rectifications.length === 0 ? <p className="hint">{t('noRectifications')}</p> : null}
            <ul>
              {data.rectifications.map((rectification) => (
                <li key={rectification}>
                  <Link to={`/rectifications/${rectification}`}>{rectification}</Link>
                </li>
              ))}
            </ul>
            {may(staff.role, DISPATCHERS) ? <Link to={`/rectifications?from=${data.id}`}>{t('dispatch')}</Link> : null}
          </Section>
        </div>
      </div>
    </>
  );
};
