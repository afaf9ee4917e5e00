import { EVENT_TYPES } from '@redress/contracts';
import { booleanParam, integerParam, invalidQuery, listParam, refuseUnknown, single, textParam, type QueryParams } from '../read-models/query-params';
import type { FeedQuery } from './feed';

export const FEED_PARAMETERS = ['from', 'limit', 'types', 'streamPrefix', 'raw', 'heartbeatSeconds'];
/** GET /events/changes: the same but `raw`, which a notice has no data for. */
export const CHANGES_PARAMETERS = FEED_PARAMETERS.filter((name) => name !== 'raw');

const POSITION = /^\d{1,15}$/;

/** A log position: `from` or a Last-Event-ID. */
export const parsePosition = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!POSITION.test(value.trim())) throw invalidQuery(`${name} must be a log position (a whole number, 0 for the start)`);
  return Number(value.trim());
};

export interface FeedRequest extends FeedQuery {
  /** Events per page (JSON). */
  readonly limit: number;
  /** Seconds between heartbeats on an idle stream. */
  readonly heartbeatSeconds: number;
}

/**
 * GET /events (or, with `changes`, /events/changes) parameters. A stream
 * resumes from Last-Event-ID when it is given (the SSE reconnect), else from `from`.
 */
export const parseFeedRequest = (params: QueryParams, lastEventId: string | undefined, changes = false): FeedRequest => {
  refuseUnknown(params, changes ? CHANGES_PARAMETERS : FEED_PARAMETERS);
  const from = parsePosition('Last-Event-ID', lastEventId) ?? parsePosition('from', single(params, 'from')) ?? 0;
  const types = listParam(params, 'types', { allowed: EVENT_TYPES }) as string[] | undefined;
  const streamPrefix = textParam(params, 'streamPrefix', 100);
  return {
    from,
    limit: integerParam(params, 'limit', 1, 1000) ?? 100,
    heartbeatSeconds: integerParam(params, 'heartbeatSeconds', 1, 60) ?? 15,
    form: changes ? 'change' : booleanParam(params, 'raw') ? 'raw' : 'upcast',
    ...(types ? { types: new Set(types) } : {}),
    ...(streamPrefix ? { streamPrefix } : {}),
  };
};
