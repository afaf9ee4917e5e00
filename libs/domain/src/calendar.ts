/**
 * Calendar periods, as analysis groups by them and appraisal reports on them:
 * 2026-11-25, 2026-W48 (ISO 8601 weeks), 2026-11, 2026-Q4. The functions here
 * count in UTC; a zone at a fixed offset shifts the instants before and after.
 */
export const DAY_MS = 86_400_000;

/** The easternmost zone (Kiribati, +14:00): where a day begins first. */
export const MAX_UTC_OFFSET_MINUTES = 14 * 60;

/** `+08:00` or `-05:00` as minutes east of UTC; undefined for anything else (no `Z`, nothing past 14:00). */
export const utcOffsetMinutes = (text: string): number | undefined => {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(text);
  if (!match || Number(match[3]) > 59) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return minutes > MAX_UTC_OFFSET_MINUTES ? undefined : (match[1] === '-' ? -1 : 1) * minutes;
};

/** Minutes east of UTC as `+08:00` or `-05:00`: what utcOffsetMinutes reads. */
export const utcOffsetText = (minutes: number): string => {
  const hhmm = (n: number) => String(n).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${hhmm(Math.floor(Math.abs(minutes) / 60))}:${hhmm(Math.abs(minutes) % 60)}`;
};

export const PERIODS = ['day', 'week', 'month', 'quarter'] as const;
export type Period = (typeof PERIODS)[number];

/** The label of the period an instant falls in (UTC): 2026-11-25, 2026-W48, 2026-11, 2026-Q4. */
export const periodOf = (period: Period, instant: string): string => {
  switch (period) {
    case 'day':
      return instant.slice(0, 10);
    case 'month':
      return instant.slice(0, 7);
    case 'quarter':
      return `${instant.slice(0, 4)}-Q${Math.floor((Number(instant.slice(5, 7)) - 1) / 3) + 1}`;
    case 'week': {
      // ISO 8601: the week with the year's first Thursday is week 1.
      const date = new Date(Date.UTC(Number(instant.slice(0, 4)), Number(instant.slice(5, 7)) - 1, Number(instant.slice(8, 10))));
      date.setUTCDate(date.getUTCDate() + 4 - (date.getUTCDay() || 7));
      const week = Math.ceil(((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS + 1) / 7);
      return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
    }
  }
};

/** A period's [start, end) in UTC, from its label. */
export const periodBounds = (period: Period, label: string): { start: string; end: string } => {
  const utc = (year: number, month: number, day: number) => new Date(Date.UTC(year, month, day)).toISOString();
  const year = Number(label.slice(0, 4));
  switch (period) {
    case 'day': {
      const [, month, day] = label.split('-').map(Number) as [number, number, number];
      return { start: utc(year, month - 1, day), end: utc(year, month - 1, day + 1) };
    }
    case 'month': {
      const month = Number(label.slice(5, 7));
      return { start: utc(year, month - 1, 1), end: utc(year, month, 1) };
    }
    case 'quarter': {
      const first = (Number(label.slice(6)) - 1) * 3;
      return { start: utc(year, first, 1), end: utc(year, first + 3, 1) };
    }
    case 'week': {
      const week = Number(label.slice(6));
      const jan4 = new Date(Date.UTC(year, 0, 4));
      const monday = 4 - (jan4.getUTCDay() || 7) + 1 + (week - 1) * 7;
      return { start: utc(year, 0, monday), end: utc(year, 0, monday + 7) };
    }
  }
};

