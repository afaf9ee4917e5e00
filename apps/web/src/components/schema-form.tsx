import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import type * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { fieldErrors, toJsonSchema } from '@redress/contracts';
import { ApiError } from '../api';
import { draftOf, keepDraft } from '../drafts';
import { messages, useMessages, useProblemText, useVocabulary } from '../i18n';
import { ErrorNotice } from './common';

/**
 * A form for a request body, drawn from the JSON Schema of the codec the api
 * validates that body with, and checked with the same codec before it is
 * sent: what the form refuses, the api would refuse, with the same words.
 * The api's own refusal (a domain rule, a conflict) shows above the button.
 */
interface Schema {
  readonly type?: string;
  readonly enum?: readonly string[];
  readonly format?: string;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
}

/** What the inputs hold: text as typed, ticks, and lists of either. */
type Draft = string | boolean | Draft[] | { [key: string]: Draft };

const text = messages(
  { required: 'required', onePerLine: 'one per line', add: 'Add', remove: 'Remove', choose: '— choose —', sending: 'Sending…', invalid: 'Some fields need attention', yes: 'Yes', no: 'No' },
  { required: '必填', onePerLine: '每行一项', add: '添加', remove: '移除', choose: '— 请选择 —', sending: '提交中…', invalid: '请检查标出的字段', yes: '是', no: '否' },
);

const emptyDraft = (schema: Schema): Draft => {
  if (schema.type === 'object') return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, property]) => [key, emptyDraft(property)]));
  // A required yes/no starts unanswered (a radio pair), so nobody records "no" by not looking; an optional one is a tick box.
  if (schema.type === 'boolean') return '';
  if (schema.type === 'array' && schema.items?.type === 'object') return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => emptyDraft(schema.items as Schema));
  return '';
};

/** A local date-time input's value as the instant it names. */
const instantOf = (local: string): string => {
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? local : at.toISOString();
};

/** The body the draft stands for: empty optional fields left out, numbers as numbers, local times as instants. */
const bodyOf = (schema: Schema, draft: Draft, required: boolean): unknown => {
  if (schema.type === 'object') {
    const entries = Object.entries(schema.properties ?? {})
      .map(([key, property]) => [key, bodyOf(property, (draft as Record<string, Draft>)[key] ?? emptyDraft(property), (schema.required ?? []).includes(key))] as const)
      .filter(([, value]) => value !== undefined);
    return entries.length === 0 && !required ? undefined : Object.fromEntries(entries);
  }
  if (schema.type === 'boolean') return draft === 'yes' || draft === true ? true : draft === 'no' ? false : undefined;
  if (schema.type === 'array') {
    if (schema.items?.type === 'object') return (draft as Draft[]).map((item) => bodyOf(schema.items as Schema, item, true));
    const lines = String(draft)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    return lines.length === 0 && !required ? undefined : lines;
  }
  const value = String(draft).trim();
  if (value === '') return undefined;
  if (schema.type === 'integer' || schema.type === 'number') return Number(value);
  if (schema.format === 'date-time') return instantOf(value);
  return value;
};

const setAt = (draft: Draft, path: readonly (string | number)[], value: Draft): Draft => {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(draft)) return draft.map((item, i) => (i === head ? setAt(item, rest, value) : item));
  const record = draft as Record<string, Draft>;
  return { ...record, [head]: setAt(record[head] ?? '', rest, value) };
};

export interface SchemaFormProps {
  readonly codec: t.Mixed;
  /** Unique on the page: input ids (for labels) start with it. */
  readonly id: string;
  readonly submitLabel: string;
  /** Sends the body; an ApiError it throws is shown with the form. */
  readonly onSubmit: (body: unknown) => Promise<void>;
  /** The body as it stands, after every keystroke (intake looks for duplicates while typing). */
  readonly onDraft?: (body: unknown) => void;
}

export const SchemaForm = ({ codec, id, submitLabel, onSubmit, onDraft }: SchemaFormProps) => {
  const schema = useMemo(() => toJsonSchema(codec) as Schema, [codec]);
  // The page (not its query: filters change under a mounted form) and the form: what was typed here comes back after
  // a remount (the case moved on, the session was renewed, the page was left and reopened).
  const form = `${useLocation().pathname}#${id}`;
  const [draft, setDraft] = useState<Draft>(() => (draftOf(form) as Draft | undefined) ?? emptyDraft(schema));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<Error | undefined>();
  const [sending, setSending] = useState(false);
  const t = useMessages(text);
  const { word, field } = useVocabulary();
  const say = useProblemText();
  useEffect(() => onDraft?.(bodyOf(schema, draft, true)), [onDraft, schema, draft]);
  useEffect(() => keepDraft(form, draft), [form, draft]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setRefusal(undefined);
    const body = bodyOf(schema, draft, true) ?? {};
    const decoded = codec.decode(body);
    if (isLeft(decoded)) {
      setProblems(Object.fromEntries(fieldErrors(decoded.left).map(({ path, message }) => [path, message])));
      return;
    }
    setProblems({});
    setSending(true);
    try {
      await onSubmit(body);
      keepDraft(form, undefined);
      setDraft(emptyDraft(schema));
    } catch (error) {
      // The api's refusal, or no answer at all (the network): either way the user reads why, beside the form.
      setRefusal(error instanceof ApiError ? error : new Error(String((error as Error)?.message ?? error)));
      setProblems(error instanceof ApiError ? Object.fromEntries(error.details.map(({ path, message }) => [path, message])) : {});
    } finally {
      setSending(false);
    }
  };

  const render = (property: Schema, path: readonly (string | number)[], name: string, required: boolean, value: Draft) => {
    const key = path.join('.');
    const inputId = `${id}-${path.join('-')}`;
    const problem = problems[key];
    const label = (
      <label htmlFor={inputId}>
        {field(name)}
        {required ? (
          <span className="required" title={t('required')} aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
    );
    const describedBy = { 'aria-required': required, ...(problem ? { 'aria-describedby': `${inputId}-problem`, 'aria-invalid': true } : {}) };
    const problemText = problem ? (
      <span id={`${inputId}-problem`} className="problem" role="alert">
        {say(problem)}
      </span>
    ) : null;
    const change = (next: Draft) => setDraft((current) => setAt(current, path, next));

    if (property.type === 'object') {
      return (
        <fieldset key={key} className="nested">
          <legend>{field(name)}</legend>
          {Object.entries(property.properties ?? {}).map(([child, childSchema]) =>
            render(childSchema, [...path, child], child, (property.required ?? []).includes(child), (value as Record<string, Draft>)[child] ?? emptyDraft(childSchema)),
          )}
          {problemText}
        </fieldset>
      );
    }
    if (property.type === 'array' && property.items?.type === 'object') {
      const items = value as Draft[];
      return (
        <fieldset key={key} className="nested">
          <legend>{field(name)}</legend>
          {items.map((item, i) => (
            <div key={i} className="array-item">
              {Object.entries(property.items?.properties ?? {}).map(([child, childSchema]) =>
                render(childSchema, [...path, i, child], child, (property.items?.required ?? []).includes(child), (item as Record<string, Draft>)[child] ?? emptyDraft(childSchema)),
              )}
              {items.length > (property.minItems ?? 0) ? (
                <button type="button" className="link" onClick={() => change(items.filter((_, j) => j !== i))}>
                  {t('remove')}
                </button>
              ) : null}
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => change([...items, emptyDraft(property.items as Schema)])}>
            {t('add')}
          </button>
          {problemText}
        </fieldset>
      );
    }
    if (property.type === 'boolean' && required) {
      return (
        <fieldset key={key} className="field yes-no" role="radiogroup" {...describedBy}>
          <legend>{field(name)}</legend>
          {(['yes', 'no'] as const).map((answer) => (
            <span key={answer}>
              <input id={`${inputId}-${answer}`} type="radio" name={inputId} checked={value === answer} onChange={() => change(answer)} />
              <label htmlFor={`${inputId}-${answer}`}>{t(answer)}</label>
            </span>
          ))}
          {problemText}
        </fieldset>
      );
    }
    if (property.type === 'boolean') {
      return (
        <div key={key} className="field checkbox">
          <input id={inputId} type="checkbox" checked={value === true} onChange={(event) => change(event.target.checked)} {...describedBy} />
          {label}
          {problemText}
        </div>
      );
    }
    let input;
    if (property.enum) {
      input = (
        <select id={inputId} value={String(value)} onChange={(event) => change(event.target.value)} {...describedBy}>
          <option value="">{t('choose')}</option>
          {property.enum.map((option) => (
            <option key={option} value={option}>
              {word(option)}
            </option>
          ))}
        </select>
      );
    } else if (property.type === 'array' || (property.type === 'string' && (property.maxLength ?? 0) >= 1000)) {
      input = <textarea id={inputId} value={String(value)} rows={property.type === 'array' ? 3 : 4} placeholder={property.type === 'array' ? t('onePerLine') : undefined} onChange={(event) => change(event.target.value)} {...describedBy} />;
    } else {
      const type = property.type === 'integer' || property.type === 'number' ? 'number' : property.format === 'date-time' ? 'datetime-local' : 'text';
      input = (
        <input
          id={inputId}
          type={type}
          value={String(value)}
          {...(property.minimum === undefined ? {} : { min: property.minimum })}
          {...(property.maximum === undefined ? {} : { max: property.maximum })}
          {...(property.type === 'number' ? { step: 'any' } : {})}
          {...(property.maxLength === undefined ? {} : { maxLength: property.maxLength })}
          onChange={(event) => change(event.target.value)}
          {...describedBy}
        />
      );
    }
    return (
      <div key={key} className="field">
        {label}
        {input}
        {problemText}
      </div>
    );
  };

  return (
    <form className="schema-form" onSubmit={(event) => void submit(event)} noValidate>
      {Object.entries(schema.properties ?? {}).map(([name, property]) =>
        render(property, [name], name, (schema.required ?? []).includes(name), (draft as Record<string, Draft>)[name] ?? emptyDraft(property)),
      )}
      {Object.keys(problems).length > 0 && !refusal ? <p className="problem">{t('invalid')}</p> : null}
      {refusal ? <ErrorNotice error={refusal} /> : null}
      <button type="submit" disabled={sending}>
        {sending ? t('sending') : submitLabel}
      </button>
    </form>
  );
};
