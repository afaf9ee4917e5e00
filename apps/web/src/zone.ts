import { utcOffsetText } from '../../../libs/domain/src/calendar';

const minutes = -new Date().getTimezoneOffset();

/**
 * The browser's offset from UTC, as the api takes it (`utcOffset=+08:00`): an office at +08:00 counts its days,
 * months and ranges from its own midnight, not from 08:00. One offset, today's, for every date: a zone with summer
 * time is an hour out on the days of the other season.
 */
export const BROWSER_ZONE = { text: utcOffsetText(minutes), ms: minutes * 60_000 } as const;

/** The day (YYYY-MM-DD) an instant falls on in the browser's zone. */
export const localDay = (instant: string | number): string => new Date(new Date(instant).getTime() + BROWSER_ZONE.ms).toISOString().slice(0, 10);

/** The instant a day (YYYY-MM-DD) begins in the browser's zone. */
export const localMidnight = (day: string): string => new Date(Date.parse(day) - BROWSER_ZONE.ms).toISOString();
