import { Category, Channel, ComplaintStatus, CustomerType, Severity, Urgency } from '@redress/contracts';
import type { Filter, Sort } from '@redress/projections';
import { booleanParam, inFilter, instantParam, integerParam, listParam, rangeFilter, refuseUnknown, sortParam, textParam, type QueryParams } from './query-params';

/** The case view's fields with a closed vocabulary: a filter on one (here, or in analysis) takes only its words. */
export const VOCABULARIES: Readonly<Partial<Record<string, readonly string[]>>> = {
  status: ComplaintStatus.values,
  category: Category.values,
  severity: Severity.values,
  urgency: Urgency.values,
  channel: Channel.values,
  customerType: CustomerType.values,
};

/** Filters of GET /cases that match a field of the case view, with their vocabularies where closed. */
const FIELD_FILTERS: ReadonlyArray<readonly [param: string, vocabulary?: readonly string[], field?: string]> = [
  ['status', VOCABULARIES.status],
  ['category', VOCABULARIES.category],
  ['severity', VOCABULARIES.severity],
  ['urgency', VOCABULARIES.urgency],
  ['channel', VOCABULARIES.channel],
  ['customerType', VOCABULARIES.customerType],
  ['department'],
  ['assignee'],
  ['product'],
  ['region'],
  ['rootCause', undefined, 'rootCauseCategory'],
];
export const CASE_SORTS = ['receivedAt', 'lastEventAt', 'closedAt', 'firstResponseSeconds', 'resolutionSeconds', 'revision'] as const;
export const CASE_SEARCH_PARAMETERS = [...FIELD_FILTERS.map(([param]) => param), 'receivedFrom', 'receivedTo', 'breached', 'open', 'substantiated', 'reopened', 'escalated', 'q', 'sort', 'limit', 'cursor'];

export interface CaseSearch {
  readonly filter: Filter;
  readonly sort: Sort;
  readonly limit: number;
  readonly cursor?: string;
}

/** GET /cases parameters as a read-model query; 400 INVALID_QUERY for anything it cannot mean. */
export const parseCaseSearch = (params: QueryParams): CaseSearch => {
  refuseUnknown(params, CASE_SEARCH_PARAMETERS);
  const conditions: Filter[] = [];
  for (const [param, vocabulary, field = param] of FIELD_FILTERS) {
    const wanted = listParam(params, param, { ...(vocabulary ? { allowed: vocabulary } : {}), missing: true });
    if (wanted) conditions.push({ [field]: inFilter(wanted) });
  }
  const from = instantParam(params, 'receivedFrom');
  const to = instantParam(params, 'receivedTo');
  if (from || to) conditions.push(rangeFilter('receivedAt', from, to));
  const breached = booleanParam(params, 'breached');
  if (breached !== undefined) conditions.push({ breached });
  const open = booleanParam(params, 'open');
  if (open !== undefined) conditions.push({ open });
  // Analysis's figures drill down to these: the finding's verdict (a case without one is neither), reopened, escalated.
  const substantiated = booleanParam(params, 'substantiated');
  if (substantiated !== undefined) conditions.push({ substantiated });
  const reopened = booleanParam(params, 'reopened');
  if (reopened !== undefined) conditions.push({ reopenCount: reopened ? { $gt: 0 } : 0 });
  const escalated = booleanParam(params, 'escalated');
  if (escalated !== undefined) conditions.push({ 'timeline.escalations': escalated ? { $gt: 0 } : 0 });
  const text = textParam(params, 'q', 200);
  // Subject, complaint text and the closing summary: past resolutions are the knowledge base.
  if (text) conditions.push({ $or: [{ subject: { $contains: text } }, { content: { $contains: text } }, { archiveSummary: { $contains: text } }] });
  const { field, direction } = sortParam(params, CASE_SORTS, '-receivedAt');
  const cursor = textParam(params, 'cursor', 2000);
  return {
    filter: conditions.length === 1 ? (conditions[0] as Filter) : { $and: conditions },
    sort: [[field, direction]],
    limit: integerParam(params, 'limit', 1, 200) ?? 50,
    ...(cursor ? { cursor } : {}),
  };
};
