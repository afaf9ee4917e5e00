import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, api, saveFile } from '../api';
import { messages, useFormat, useMessages, useVocabulary } from '../i18n';

const text = messages(
  { loading: 'Loading…', dueIn: 'due in {time}', overdueBy: 'overdue by {time}', breached: 'SLA breached', none: 'Nothing here yet.', exportCsv: 'Export CSV', exporting: 'Exporting…' },
  { loading: '加载中…', dueIn: '剩余 {time}', overdueBy: '已超时 {time}', breached: '已超时', none: '暂无数据。', exportCsv: '导出 CSV', exporting: '导出中…' },
);

/** An api refusal: its stable code and its message. */
export const ErrorNotice = ({ error }: { error: ApiError | Error }) => (
  <div className="error-notice" role="alert">
    {error instanceof ApiError ? <code>{error.code}</code> : null} {error.message}
  </div>
);

export const Loading = () => {
  const t = useMessages(text);
  return (
    <p className="loading" aria-live="polite">
      {t('loading')}
    </p>
  );
};

export const Empty = () => {
  const t = useMessages(text);
  return <p className="empty">{t('none')}</p>;
};

/** A value from a closed vocabulary (a status, a category) as a coloured tag. */
export const Tag = ({ value, tone }: { value: string | null | undefined; tone?: 'danger' | 'warning' | 'ok' | 'muted' }) => {
  const { word } = useVocabulary();
  return <span className={`tag tag-${tone ?? 'muted'} tag-value-${value ?? 'none'}`}>{word(value)}</span>;
};

export const BreachBadge = () => {
  const t = useMessages(text);
  return <span className="tag tag-danger">{t('breached')}</span>;
};

/** The current time, every `ms`: countdowns tick without a refetch. */
export const useNow = (ms = 30_000): number => {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
};

/** Time left until a deadline, or how far past it. */
export const Countdown = ({ deadline, now }: { deadline: string; now: number }) => {
  const t = useMessages(text);
  const { duration } = useFormat();
  const seconds = (Date.parse(deadline) - now) / 1000;
  const tone = seconds < 0 ? 'danger' : seconds < 4 * 3600 ? 'warning' : 'ok';
  return (
    <span className={`countdown tag tag-${tone}`} title={deadline}>
      {seconds < 0 ? t('overdueBy', { time: duration(seconds) }) : t('dueIn', { time: duration(seconds) })}
    </span>
  );
};

/** A titled block of a page. */
export const Section = ({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) => (
  <section className="panel" aria-label={title}>
    <header className="panel-header">
      <h2>{title}</h2>
      {actions}
    </header>
    {children}
  </section>
);

/** Downloads the api's CSV of `path` (Accept: text/csv) as `fileName`, saying why when it cannot. */
export const ExportButton = ({ path, fileName }: { path: string; fileName: string }) => {
  const t = useMessages(text);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Error | undefined>();
  const run = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      saveFile(await api.csv(path), fileName);
    } catch (error) {
      setProblem(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <button type="button" className="secondary" data-testid="export-csv" disabled={busy} onClick={() => void run()}>
        {busy ? t('exporting') : t('exportCsv')}
      </button>
      {problem ? <ErrorNotice error={problem} /> : null}
    </div>
  );
};
