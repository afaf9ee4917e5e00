import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type * as io from 'io-ts';
import type { RectificationDispatched } from '@redress/contracts';
import type { Rectification } from '@redress/domain';
import { awaitingFeedback } from '../../../../libs/domain/src/rectification/rectification';
import { command } from '../api';
import { useResource } from '../resource';
import { messages, useFormat, useMessages, useVocabulary } from '../i18n';
import { useStaff, type Staff } from '../session';
import { RECTIFICATION_ACTIONS, may } from '../roles';
import { Countdown, ErrorNotice, Loading, Section, Tag, useNow } from '../components/common';
import { SchemaForm } from '../components/schema-form';
import { STEPS, stepState, stepText, statusTone, type Status, type StepNumber } from './rectifications';

const text = messages(
  {
    title: 'Rectification item',
    back: 'Back to the tracking table',
    details: 'Details',
    problem: 'Problem',
    suggestion: 'Suggestion',
    sources: 'Source complaints',
    returns: 'Returns by review',
    steps: 'Five steps',
    done: 'Done',
    current: 'Next',
    todo: 'To do',
    department: 'Department',
    dispatchedAt: 'Dispatched',
    deadline: 'Deadline',
    overdue: 'Overdue',
    yes: 'Yes',
    no: 'No',
    redo: 'Returned by review: the department takes it up again from step 2.',
    history: 'History',
    by: '{user} ({role})',
    acceptTitle: 'Accept (step 2)',
    acceptSubmit: 'Accept with these measures',
    feedbackTitle: 'Report back (step 3)',
    feedbackSubmit: 'Submit feedback',
    reviewTitle: 'Review (step 4)',
    reviewSubmit: 'Submit review',
    confirmTitle: 'Confirm (step 5)',
    confirmSubmit: 'Confirm and close',
    otherDepartment: 'This item is for department {department}; only its staff can accept it and report back.',
  },
  {
    title: '整改事项',
    back: '返回整改跟踪表',
    details: '详情',
    problem: '问题',
    suggestion: '整改建议',
    sources: '来源投诉',
    returns: '审核退回次数',
    steps: '整改五步',
    done: '已完成',
    current: '待办',
    todo: '未开始',
    department: '责任部门',
    dispatchedAt: '分派日期',
    deadline: '整改期限',
    overdue: '逾期',
    yes: '是',
    no: '否',
    redo: '审核退回：责任部门需从第 2 步重新整改。',
    history: '处理记录',
    by: '{user}（{role}）',
    acceptTitle: '问题解决（第 2 步）',
    acceptSubmit: '提交整改措施',
    feedbackTitle: '解决情况反馈（第 3 步）',
    feedbackSubmit: '提交反馈',
    reviewTitle: '审核（第 4 步）',
    reviewSubmit: '提交审核',
    confirmTitle: '确认（第 5 步）',
    confirmSubmit: '确认并关闭',
    otherDepartment: '此事项属于 {department}，只有该部门人员可以办理问题解决和解决情况反馈。',
  },
);

/** GET /rectifications/:id: the aggregate's state with the dispatch spread in (see the api's rectificationView). */
type RectificationView = Omit<Rectification, 'dispatch' | 'status'> &
  Omit<io.TypeOf<typeof RectificationDispatched>, 'rectificationId'> & { readonly id: string; readonly revision: number; readonly status: Exclude<Status, 'none'> };

interface HistoryEvent {
  readonly id: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: { readonly actor: { readonly user: string; readonly role: string }; readonly occurredAt?: string };
}

/**
 * Overdue now: the api's item view says so only once the scheduler has
 * marked it, while the tracking table also counts items past their deadline
 * still awaiting feedback; the page agrees with the table.
 */
const isOverdue = (item: RectificationView, now: number): boolean => item.overdue || (awaitingFeedback(item.status) && Date.parse(item.deadline) < now);

interface Stage {
  /** The action's key in RECTIFICATION_ACTIONS and its path under /rectifications/:id/. */
  readonly path: string;
  readonly title: keyof typeof text.en;
  readonly submit: keyof typeof text.en;
  /** The statuses it is the next step for. */
  readonly when: readonly Status[];
  readonly byDepartment: boolean;
}

/** The actions in step order. A return lets the department accept anew (new measures) or report back again. */
const STAGES: readonly Stage[] = [
  { path: 'accept', title: 'acceptTitle', submit: 'acceptSubmit', when: ['dispatched', 'returned'], byDepartment: true },
  { path: 'feedback', title: 'feedbackTitle', submit: 'feedbackSubmit', when: ['accepted', 'returned'], byDepartment: true },
  { path: 'review', title: 'reviewTitle', submit: 'reviewSubmit', when: ['feedback_submitted'], byDepartment: false },
  { path: 'confirm', title: 'confirmTitle', submit: 'confirmSubmit', when: ['approved'], byDepartment: false },
];

/** Department staff act on their own department's items only (the api refuses the rest): the forms would only fail. */
const elsewhere = (staff: Staff, item: RectificationView): boolean => staff.role === 'department' && staff.department !== item.department;

const Facts = ({ children }: { children: ReactNode }) => <dl className="facts">{children}</dl>;
const Fact = ({ label, children }: { label: string; children: ReactNode }) => (
  <>
    <dt>{label}</dt>
    <dd>{children}</dd>
  </>
);

/** What each step recorded, as the item holds it now (a return keeps the last round's until the next one replaces it). */
const StepRecord = ({ step, item }: { step: StepNumber; item: RectificationView }) => {
  const t = useMessages(text);
  const { field } = useVocabulary();
  const { time } = useFormat();
  const yesNo = (value: boolean) => (value ? t('yes') : t('no'));
  switch (step) {
    case 1:
      return (
        <Facts>
          <Fact label={t('department')}>{item.department}</Fact>
          <Fact label={t('dispatchedAt')}>{time(item.dispatchedAt)}</Fact>
          <Fact label={t('deadline')}>{time(item.deadline)}</Fact>
        </Facts>
      );
    case 2:
      return item.acceptance ? (
        <Facts>
          <Fact label={field('measures')}>{item.acceptance.measures}</Fact>
          <Fact label={field('responsiblePerson')}>{item.acceptance.responsiblePerson}</Fact>
          <Fact label={field('plannedCompletion')}>{time(item.acceptance.plannedCompletion)}</Fact>
        </Facts>
      ) : null;
    case 3:
      return item.feedback ? (
        <Facts>
          <Fact label={field('resolved')}>{yesNo(item.feedback.resolved)}</Fact>
          <Fact label={field('result')}>{item.feedback.result}</Fact>
          {item.feedback.reasonUnresolved ? <Fact label={field('reasonUnresolved')}>{item.feedback.reasonUnresolved}</Fact> : null}
        </Facts>
      ) : null;
    case 4:
      return item.review ? (
        <Facts>
          <Fact label={field('decision')}>
            <Tag value={item.review.decision} tone={statusTone(item.review.decision)} />
          </Fact>
          <Fact label={field('opinion')}>{item.review.opinion}</Fact>
        </Facts>
      ) : null;
    case 5:
      return item.confirmation ? (
        <Facts>
          <Fact label={field('effective')}>{yesNo(item.confirmation.effective)}</Fact>
          {item.confirmation.note ? <Fact label={field('note')}>{item.confirmation.note}</Fact> : null}
        </Facts>
      ) : null;
  }
};

const StepList = ({ item }: { item: RectificationView }) => {
  const t = useMessages(text);
  const steps = useMessages(stepText);
  return (
    <ol className="step-list" data-testid="rectification-steps">
      {STEPS.map((step) => {
        const state = stepState(step, item.status);
        return (
          <li key={step} data-step={step} data-state={state} aria-current={state === 'current' ? 'step' : undefined}>
            <h3>
              {step} {steps(`step${step}`)} <span className={`tag tag-${state === 'done' ? 'ok' : 'muted'}`}>{t(state)}</span>
            </h3>
            <StepRecord step={step} item={item} />
          </li>
        );
      })}
    </ol>
  );
};

/** Fields of an event not worth repeating in the timeline: the page's own id, the complaints listed under Details, the event's own time. */
const UNSHOWN = ['rectificationId', 'sourceComplaintIds', 'dispatchedAt'];
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** What an event recorded, so earlier rounds (before a return) stay readable after the item moves on. */
const EventData = ({ data }: { data: HistoryEvent['data'] }) => {
  const t = useMessages(text);
  const { field } = useVocabulary();
  const { time } = useFormat();
  const shown = (name: string, value: unknown): ReactNode => {
    if (typeof value === 'boolean') return value ? t('yes') : t('no');
    if (name === 'decision') return <Tag value={String(value)} tone={statusTone(String(value))} />;
    if (typeof value === 'string' && INSTANT.test(value)) return time(value);
    return String(value);
  };
  const entries = Object.entries(data).filter(([name]) => !UNSHOWN.includes(name));
  return entries.length === 0 ? null : (
    <Facts>
      {entries.map(([name, value]) => (
        <Fact key={name} label={field(name)}>
          {shown(name, value)}
        </Fact>
      ))}
    </Facts>
  );
};

const Timeline = ({ events }: { events: readonly HistoryEvent[] }) => {
  const t = useMessages(text);
  const { eventName, word } = useVocabulary();
  const { time } = useFormat();
  return (
    <ol className="timeline">
      {events.map((event) => (
        <li key={event.id}>
          <strong>{eventName(event.type)}</strong>
          <div className="meta">
            {t('by', { user: event.metadata.actor.user, role: word(event.metadata.actor.role) })} · <time dateTime={event.metadata.occurredAt ?? event.recordedAt}>{time(event.metadata.occurredAt ?? event.recordedAt)}</time>
          </div>
          <EventData data={event.data} />
        </li>
      ))}
    </ol>
  );
};

/** One rectification item (/rectifications/:id): its five steps, the next step's form for whoever may take it, and its history. */
export const RectificationPage = () => {
  const { id = '' } = useParams();
  const t = useMessages(text);
  const staff = useStaff();
  const now = useNow();
  const item = useResource<RectificationView>(`/rectifications/${id}`);
  const history = useResource<{ events: HistoryEvent[] }>(`/rectifications/${id}/history`);

  if (!item.data) return item.error ? <ErrorNotice error={item.error} /> : <Loading />;
  const view = item.data;
  const overdue = isOverdue(view, now);
  const offered = STAGES.flatMap((stage) => {
    const action = RECTIFICATION_ACTIONS[stage.path];
    const open = action && may(staff.role, action.roles) && stage.when.includes(view.status) && !(stage.byDepartment && elsewhere(staff, view));
    return open ? [{ ...stage, action }] : [];
  });
  const departmentTurn = STAGES.some((stage) => stage.byDepartment && stage.when.includes(view.status));

  return (
    <>
      <p>
        <Link to="/rectifications">{t('back')}</Link>
      </p>
      <h1>
        {t('title')} <Tag value={view.status} tone={statusTone(view.status)} /> {overdue ? <span className="tag tag-danger">{t('overdue')}</span> : null}{' '}
        {awaitingFeedback(view.status) ? <Countdown deadline={view.deadline} now={now} /> : null}
      </h1>
      {item.error ? <ErrorNotice error={item.error} /> : null}
      <div className="columns">
        <div>
          <Section title={t('details')}>
            <Facts>
              <Fact label={t('problem')}>{view.problem}</Fact>
              <Fact label={t('suggestion')}>{view.suggestion}</Fact>
              <Fact label={t('sources')}>
                {view.sourceComplaintIds.map((complaint) => (
                  <div key={complaint}>
                    <Link to={`/cases/${complaint}`}>{complaint}</Link>
                  </div>
                ))}
              </Fact>
              <Fact label={t('returns')}>{view.returns}</Fact>
            </Facts>
          </Section>
          <Section title={t('steps')}>
            {view.status === 'returned' ? <p className="hint">{t('redo')}</p> : null}
            <StepList item={view} />
          </Section>
          {offered.map(({ path, title, submit, action }) => (
            <Section key={path} title={t(title)}>
              <SchemaForm
                codec={action.body}
                id={`rect-${path}`}
                submitLabel={t(submit)}
                onSubmit={(body) =>
                  command(`/rectifications/${id}/${path}`, body, view.revision, (position) => {
                    item.reload(position);
                    history.reload(position);
                  })
                }
              />
            </Section>
          ))}
          {departmentTurn && elsewhere(staff, view) ? <p className="hint">{t('otherDepartment', { department: view.department })}</p> : null}
        </div>
        <Section title={t('history')}>
          {history.error ? <ErrorNotice error={history.error} /> : null}
          {history.data ? <Timeline events={history.data.events} /> : history.error ? null : <Loading />}
        </Section>
      </div>
    </>
  );
};
