import { RectificationStatus } from '@redress/contracts';
import { statusesInStep, type RectificationStep } from '@redress/domain';
import { InvalidCursorError, overdueFilter, type Filter } from '@redress/projections';
import { booleanParam, inFilter, instantParam, integerParam, invalidQuery, listParam, rangeFilter, refuseUnknown, sortParam, textParam, type QueryParams } from './query-params';
import type { TrackingQuery } from './read-model-queries';

export const TRACKING_PARAMETERS = ['department', 'step', 'status', 'overdue', 'dispatchedFrom', 'dispatchedTo', 'sort', 'limit', 'cursor'];
const TRACKING_SORTS: Record<string, string> = { dispatchedAt: 'dispatch.dispatchedAt', deadline: 'dispatch.deadline', updatedAt: 'updatedAt' };

/** The table's cursor carries the row number to continue from, so 序号 runs on across pages. */
export const encodeTrackingCursor = (cursor: string, offset: number): string => Buffer.from(JSON.stringify({ c: cursor, n: offset })).toString('base64url');

const decodeTrackingCursor = (cursor: string): { cursor: string; offset: number } => {
  try {
    const { c, n } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { c: unknown; n: unknown };
    if (typeof c === 'string' && Number.isSafeInteger(n) && (n as number) >= 0) return { cursor: c, offset: n as number };
  } catch {
    // fall through to the one error below
  }
  // The same refusal as a cursor the store cannot read (INVALID_CURSOR), whichever of the two notices.
  throw new InvalidCursorError('the cursor does not belong to this table; start again without it');
};

/** GET /rectifications parameters as a read-model query; every row (`all`) for the CSV export. */
export const parseTrackingQuery = (params: QueryParams, all: boolean): TrackingQuery => {
  refuseUnknown(params, TRACKING_PARAMETERS);
  const conditions: Filter[] = [];
  const department = listParam(params, 'department');
  if (department) conditions.push({ 'dispatch.department': inFilter(department) });
  const steps = listParam(params, 'step', { allowed: ['1', '2', '3', '4', '5'] });
  // The step an item is in follows from its status (see currentStep): the stored `step` is the last one completed.
  if (steps) conditions.push({ status: { $in: steps.flatMap((step) => statusesInStep(Number(step) as RectificationStep)) } });
  const status = listParam(params, 'status', { allowed: RectificationStatus.values });
  if (status) conditions.push({ status: inFilter(status) });
  const from = instantParam(params, 'dispatchedFrom');
  const to = instantParam(params, 'dispatchedTo');
  if (from || to) conditions.push(rangeFilter('dispatch.dispatchedAt', from, to));
  const overdue = booleanParam(params, 'overdue');
  const { field, direction } = sortParam(params, Object.keys(TRACKING_SORTS), 'dispatchedAt');
  const limit = integerParam(params, 'limit', 1, 500) ?? 100;
  const cursor = textParam(params, 'cursor', 2000);
  if (all && (params.limit !== undefined || cursor !== undefined)) throw invalidQuery('the CSV export has every matching row: limit and cursor page the JSON table');
  return {
    filter: (now) => ({ $and: [...conditions, ...(overdue === undefined ? [] : [overdueFilter(overdue, now)])] }),
    sort: [[TRACKING_SORTS[field] as string, direction]],
    page: all ? 'all' : { limit, ...(cursor ? decodeTrackingCursor(cursor) : { offset: 0 }) },
  };
};
