import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ReceiveComplaintBody } from '@redress/contracts';
import { api, query } from '../api';
import type { CasePage, CaseSummary } from '../cases';
import { messages, useFormat, useMessages } from '../i18n';
import { useStaff } from '../session';
import { draftOf, keepDraft } from '../drafts';
import { RECEIVERS, may } from '../roles';
import { Section, Tag } from '../components/common';
import { SchemaForm } from '../components/schema-form';

const text = messages(
  {
    title: 'New complaint',
    receive: 'Receive the complaint',
    duplicates: 'Possible duplicates',
    duplicatesHint: 'Open cases whose subject or content share these words. Open one to check before you receive a new case.',
    none: 'No open case looks the same.',
    notAllowed: 'Receiving complaints needs the intake or supervisor role.',
  },
  {
    title: '登记投诉',
    receive: '接收投诉',
    duplicates: '可能重复的投诉',
    duplicatesHint: '主题或内容含相同词语的未结案件。请先打开核对，再登记新投诉。',
    none: '没有相似的未结案件。',
    notAllowed: '登记投诉需要受理或主管角色。',
  },
);

/**
 * What to look for: the subject as typed, and its two longest words (the api
 * matches a phrase, and a duplicate rarely repeats a subject word for word);
 * Chinese has no spaces between words, so its first four characters stand in.
 */
export const duplicateTerms = (subject: string): string[] => {
  const typed = subject.trim().slice(0, 200);
  if (typed.length < 3) return [];
  const words = /\s/.test(typed)
    ? typed
        .split(/\s+/)
        .filter((word) => word.length >= 4)
        .sort((a, b) => b.length - a.length)
        .slice(0, 2)
    : [typed.slice(0, 4)];
  return [...new Set([typed, ...words])];
};

/** Open cases that mention what is being typed, looked up once typing pauses. */
const usePossibleDuplicates = (subject: string): readonly CaseSummary[] | undefined => {
  const [found, setFound] = useState<readonly CaseSummary[] | undefined>();
  useEffect(() => {
    const terms = duplicateTerms(subject);
    if (terms.length === 0) {
      setFound(undefined);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      Promise.all(terms.map((q) => api.get<CasePage>(`/cases${query({ q, open: true, limit: 5 })}`, { signal: abort.signal }))).then(
        (pages) => setFound([...new Map(pages.flatMap(({ body }) => body.items).map((item) => [item.id, item])).values()].slice(0, 5)),
        () => undefined,
      );
    }, 350);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [subject]);
  return found;
};

/** The intake's idempotency key, kept with the body it was made for, among the drafts. */
const INTAKE_KEY = 'intake-idempotency-key';
interface KeptKey {
  readonly body: string;
  readonly key: string;
}

/** Fast intake (接收与记录): the api's own body codec as the form, duplicates alongside, then straight to the new case. */
export const NewComplaint = () => {
  const staff = useStaff();
  const t = useMessages(text);
  const format = useFormat();
  const navigate = useNavigate();
  const [subject, setSubject] = useState('');
  // One key per complaint as typed: a double click, or a retry after a lost answer, receives it once, also when the
  // draft comes back after the page was left (the key is kept with it).
  const [idempotencyKey, setIdempotencyKey] = useState(() => (draftOf(INTAKE_KEY) as KeptKey | undefined)?.key ?? crypto.randomUUID());
  const duplicates = usePossibleDuplicates(subject);
  const onDraft = useCallback((body: unknown) => {
    setSubject(String((body as { subject?: unknown }).subject ?? ''));
    // Another body is another complaint to the api (IDEMPOTENCY_KEY_REUSED otherwise): a retry of the same one keeps its key.
    const text = JSON.stringify(body);
    const kept = draftOf(INTAKE_KEY) as KeptKey | undefined;
    const key = kept?.body === text ? kept.key : crypto.randomUUID();
    keepDraft(INTAKE_KEY, { body: text, key });
    setIdempotencyKey(key);
  }, []);
  const receive = useCallback(
    async (body: unknown) => {
      const { body: outcome } = await api.post('/complaints', body, { headers: { 'idempotency-key': idempotencyKey } });
      keepDraft(INTAKE_KEY, undefined);
      setIdempotencyKey(crypto.randomUUID());
      void navigate(`/cases/${outcome.id}`);
    },
    [idempotencyKey, navigate],
  );
  const form = useMemo(() => <SchemaForm codec={ReceiveComplaintBody} id="intake" submitLabel={t('receive')} onSubmit={receive} onDraft={onDraft} />, [t, receive, onDraft]);

  if (!may(staff.role, RECEIVERS)) return <p className="error-notice">{t('notAllowed')}</p>;
  return (
    <>
      <h1>{t('title')}</h1>
      <div className="columns">
        <div className="panel">{form}</div>
        <Section title={t('duplicates')}>
          <p className="hint">{t('duplicatesHint')}</p>
          {duplicates && duplicates.length === 0 ? <p className="empty">{t('none')}</p> : null}
          <ul data-testid="duplicates" aria-live="polite">
            {(duplicates ?? []).map((item) => (
              <li key={item.id}>
                <Link to={`/cases/${item.id}`}>{item.subject}</Link> <Tag value={item.status} /> <span className="hint">{format.time(item.receivedAt)}</span>
              </li>
            ))}
          </ul>
        </Section>
      </div>
    </>
  );
};
