import { EVENT_TYPES } from '@redress/contracts';
import { booleanParam, integerParam, invalidQuery, listParam, refuseUnknown, single, textParam, type QueryParams } from '../read-models/query-params';
import type { FeedQuery } from './feed';

export const FEED_PARAMETERS = ['from', 'limit', 'types', 'streamPrefix', 'raw', 'heartbeatSeconds'];

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
 * GET /events parameters. A stream resumes from Last-Event-ID when it is
 * given (the SSE reconnect), else from `from`.
 */
export const parseFeedRequest = (params: QueryParams, lastEventId: string | undefined): FeedRequest => {
  refuseUnknown(params, FEED_PARAMETERS);
  const from = parsePosition('Last-Event-ID', lastEventId) ?? parsePosition('from', single(params, 'from')) ?? 0;
  const types = listParam(params, 'types', { allowed: EVENT_TYPES }) as string[] | undefined;
  const streamPrefix = textParam(params, 'streamPrefix', 100);
  return {
    from,
    limit: integerParam(params, 'limit', 1, 1000) ?? 100,
    heartbeatSeconds: integerParam(params, 'heartbeatSeconds', 1, 60) ?? 15,
    raw: booleanParam(params, 'raw') ?? false,
    ...(types ? { types: new Set(types) } : {}),
    ...(streamPrefix ? { streamPrefix } : {}),
  };
};
