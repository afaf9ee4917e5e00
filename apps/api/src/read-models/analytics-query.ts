import { PERIODS, type Period } from '@redress/domain';
import { DIMENSIONS, METRICS, type AnalyticsQuery, type Dimension, type Metric } from '@redress/projections';
import { VOCABULARIES } from './case-search';
import { instantParam, invalidQuery, listParam, refuseUnknown, utcOffsetParam, type QueryParams } from './query-params';

export const ANALYTICS_PARAMETERS = ['groupBy', 'period', 'from', 'to', 'metrics', 'utcOffset', ...DIMENSIONS];

/** GET /analytics/complaints parameters as an analysis query. */
export const parseAnalyticsQuery = (params: QueryParams): AnalyticsQuery => {
  refuseUnknown(params, ANALYTICS_PARAMETERS);
  const groupBy = (listParam(params, 'groupBy', { allowed: DIMENSIONS }) ?? []) as Dimension[];
  if (new Set(groupBy).size !== groupBy.length || groupBy.length > 4) throw invalidQuery('groupBy takes up to 4 different dimensions');
  const period = listParam(params, 'period', { allowed: PERIODS });
  if (period && period.length !== 1) throw invalidQuery(`period is one of ${PERIODS.join(', ')}`);
  const metrics = (listParam(params, 'metrics', { allowed: METRICS }) ?? [...METRICS]) as Metric[];
  const offsetMinutes = utcOffsetParam(params);
  // A date is the office's own midnight, as its periods are.
  const from = instantParam(params, 'from', offsetMinutes);
  const to = instantParam(params, 'to', offsetMinutes);
  if (from && to && from >= to) throw invalidQuery('from must be before to');
  const filters = Object.fromEntries(DIMENSIONS.flatMap((dimension) => {
    // A word outside a closed vocabulary (`category=Billing`) is refused, as /cases refuses it, not answered with nothing.
    const vocabulary = VOCABULARIES[dimension];
    const values = listParam(params, dimension, { ...(vocabulary ? { allowed: vocabulary } : {}), missing: true });
    return values ? [[dimension, values]] : [];
  }));
  return { groupBy, metrics, filters, ...(period ? { period: period[0] as Period } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(offsetMinutes ? { offsetMinutes } : {}) };
};
