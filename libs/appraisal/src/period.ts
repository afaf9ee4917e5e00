import { periodBounds } from '@redress/domain';
import type { AppraisalPeriod } from './appraise';

const DAY = 86_400_000;
/** A custom range may span at most this many days. */
export const MAX_RANGE_DAYS = 366;
export const PERIOD_FORMS = 'a month (2026-10), a quarter (2026-Q3) or a range of days (2026-10-01..2026-10-15, both days included)';

const realDay = (text: string): number | undefined => {
  const at = Date.parse(`${text}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(at) && new Date(at).toISOString().startsWith(text) ? at : undefined;
};

/** An appraisal period (UTC) from its label, or undefined when it is not one of PERIOD_FORMS. */
export const parsePeriod = (label: string): AppraisalPeriod | undefined => {
  const within = (start: string, end: string): AppraisalPeriod => ({ label, from: Date.parse(start), to: Date.parse(end) });
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(label)) {
    const { start, end } = periodBounds('month', label);
    return within(start, end);
  }
  if (/^\d{4}-Q[1-4]$/.test(label)) {
    const { start, end } = periodBounds('quarter', label);
    return within(start, end);
  }
  const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(label);
  const [from, last] = range ? [realDay(range[1] as string), realDay(range[2] as string)] : [];
  if (from === undefined || last === undefined || last < from || last - from >= MAX_RANGE_DAYS * DAY) return undefined;
  return { label, from, to: last + DAY };
};
