import { PERIODS, utcOffsetMinutes, type Period } from '@redress/domain';
import { DIMENSIONS, METRICS, type AnalyticsQuery, type Dimension, type Metric } from '@redress/projections';
import { VOCABULARIES } from './case-search';
import { instantParam, invalidQuery, listParam, refuseUnknown, type QueryParams } from './query-params';

export const ANALYTICS_PARAMETERS = ['groupBy', 'period', 'from', 'to', 'metrics', 'utcOffset', ...DIMENSIONS];

/** `utcOffset=+08:00`: the zone days, weeks, months and quarters are counted in (UTC by default), minutes east. */
const offsetParam = (params: QueryParams): number | undefined => {
  const raw = params.utcOffset;
  if (raw === undefined) return undefined;
  const minutes = typeof raw === 'string' ? utcOffsetMinutes(raw) : undefined;
  if (minutes === undefined) throw invalidQuery('utcOffset is an offset like +08:00 or -05:00');
  return minutes;
};

/** GET /analytics/complaints parameters as an analysis query. */
export const parseAnalyticsQuery = (params: QueryParams): AnalyticsQuery => {
  refuseUnknown(params, ANALYTICS_PARAMETERS);
  const groupBy = (listParam(params, 'groupBy', { allowed: DIMENSIONS }) ?? []) as Dimension[];
  if (new Set(groupBy).size !== groupBy.length || groupBy.length > 4) throw invalidQuery('groupBy takes up to 4 different dimensions');
  const period = listParam(params, 'period', { allowed: PERIODS });
  if (period && period.length !== 1) throw invalidQuery(`period is one of ${PERIODS.join(', ')}`);
  const metrics = (listParam(params, 'metrics', { allowed: METRICS }) ?? [...METRICS]) as Metric[];
  const from = instantParam(params, 'from');
  const to = instantParam(params, 'to');
  if (from && to && from >= to) throw invalidQuery('from must be before to');
  const filters = Object.fromEntries(DIMENSIONS.flatMap((dimension) => {
    // A word outside a closed vocabulary (`category=Billing`) is refused, as /cases refuses it, not answered with nothing.
    const vocabulary = VOCABULARIES[dimension];
    const values = listParam(params, dimension, { ...(vocabulary ? { allowed: vocabulary } : {}), missing: true });
    return values ? [[dimension, values]] : [];
  }));
  const offsetMinutes = offsetParam(params);
  return { groupBy, metrics, filters, ...(period ? { period: period[0] as Period } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(offsetMinutes ? { offsetMinutes } : {}) };
};
