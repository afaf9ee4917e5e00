import { DAY_MS, periodBounds } from '@redress/domain';
import type { AppraisalPeriod } from './appraise';

/** A custom range may span at most this many days. */
export const MAX_RANGE_DAYS = 366;
export const PERIOD_FORMS = 'a month (2026-10), a quarter (2026-Q3) or a range of days (2026-10-01..2026-10-15, both days included)';

/** Years from 1970: the log has nothing earlier (and Date.UTC reads years below 100 as 19xx). */
const YEAR = '(19[7-9]\\d|[2-9]\\d{3})';
const MONTH = new RegExp(`^${YEAR}-(0[1-9]|1[0-2])$`);
const QUARTER = new RegExp(`^${YEAR}-Q[1-4]$`);
const DAY = new RegExp(`^${YEAR}-\\d{2}-\\d{2}$`);

const realDay = (text: string): number | undefined => {
  const at = Date.parse(`${text}T00:00:00Z`);
  return DAY.test(text) && !Number.isNaN(at) && new Date(at).toISOString().startsWith(text) ? at : undefined;
};

/**
 * An appraisal period from its label, its days counted in the zone `utcOffsetMinutes` east of UTC (an office at
 * +08:00 appraises October from its own midnight, not from 08:00), or undefined when it is not one of PERIOD_FORMS.
 */
export const parsePeriod = (label: string, utcOffsetMinutes = 0): AppraisalPeriod | undefined => {
  const shift = utcOffsetMinutes * 60_000;
  const at = (from: number, to: number): AppraisalPeriod => ({ label, from: from - shift, to: to - shift, utcOffsetMinutes });
  const within = (start: string, end: string): AppraisalPeriod => at(Date.parse(start), Date.parse(end));
  if (MONTH.test(label)) {
    const { start, end } = periodBounds('month', label);
    return within(start, end);
  }
  if (QUARTER.test(label)) {
    const { start, end } = periodBounds('quarter', label);
    return within(start, end);
  }
  const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(label);
  const [from, last] = range ? [realDay(range[1] as string), realDay(range[2] as string)] : [];
  if (from === undefined || last === undefined || last < from || last - from >= MAX_RANGE_DAYS * DAY_MS) return undefined;
  return at(from, last + DAY_MS);
};
