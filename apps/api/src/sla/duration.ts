/**
 * An SLA board window: an ISO-8601 duration of weeks, days, hours and
 * minutes (P1W, P2D, PT24H, P1DT12H, PT30M). Months and years are refused:
 * their length depends on where they start.
 */
const DURATION = /^P(?:(\d{1,3})W)?(?:(\d{1,4})D)?(?:T(?:(\d{1,5})H)?(?:(\d{1,6})M)?)?$/;

/** The duration in milliseconds, or undefined when it is not one of the above (or names no amount: `P`, `PT`, `P1DT`). */
export const durationMs = (text: string): number | undefined => {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [weeks = 0, days = 0, hours = 0, minutes = 0] = match.slice(1).map((part) => Number(part ?? 0));
  return (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000;
};
