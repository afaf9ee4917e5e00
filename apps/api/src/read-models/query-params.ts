import { BadRequestException } from '@nestjs/common';
import * as E from 'fp-ts/Either';
import { day, instant } from '@redress/contracts';
import { utcOffsetMinutes } from '@redress/domain';
import { parseListValues, type Filter, type Scalar } from '@redress/projections';

/** A query string as Fastify hands it over: repeated parameters become arrays. */
export type QueryParams = Readonly<Record<string, string | string[] | undefined>>;

export const invalidQuery = (message: string) => new BadRequestException({ code: 'INVALID_QUERY', message });

/** Typos must not silently widen a search: every parameter has to be one the endpoint knows. */
export const refuseUnknown = (params: QueryParams, known: readonly string[]): void => {
  const unknown = Object.keys(params).filter((name) => !known.includes(name));
  if (unknown.length > 0) throw invalidQuery(`unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${known.join(', ')}`);
};

/** A parameter given at most once. */
export const single = (params: QueryParams, name: string): string | undefined => {
  const value = params[name];
  if (Array.isArray(value)) throw invalidQuery(`${name} may be given once`);
  return value;
};

export interface ListRules {
  /** The closed vocabulary, if there is one. */
  readonly allowed?: readonly string[];
  /** Whether `(none)` (a missing value) is a value here: for fields of the data, not for names of dimensions or metrics. */
  readonly missing?: boolean;
}

/**
 * Values of a list parameter, given once or repeated, each comma-separated
 * (see list-values: `(none)` for missing, double quotes around values holding commas).
 */
export const listParam = (params: QueryParams, name: string, rules: ListRules = {}): Array<string | null> | undefined => {
  const raw = params[name];
  if (raw === undefined) return undefined;
  const values: Array<string | null> = [];
  for (const text of Array.isArray(raw) ? raw : [raw]) {
    const parsed = parseListValues(text);
    if (!parsed) throw invalidQuery(`${name}: an unclosed or misplaced double quote in ${JSON.stringify(text)}`);
    values.push(...parsed);
  }
  if (values.some((value) => value !== null && (value.trim() === '' || value.length > 200))) throw invalidQuery(`${name} needs values of 1 to 200 characters, comma-separated`);
  if (!rules.missing && values.includes(null)) throw invalidQuery(`${name} takes no (none)`);
  const unknown = rules.allowed ? values.filter((value): value is string => value !== null && !rules.allowed?.includes(value)) : [];
  if (unknown.length > 0) throw invalidQuery(`${name}: ${unknown.map((v) => JSON.stringify(v)).join(', ')} not one of ${rules.allowed?.join(', ')}`);
  return values;
};

/**
 * An instant with a zone, or a date ("2026-11-01": its midnight in the zone `offsetMinutes` east of UTC, UTC by
 * default), as the ISO-8601 UTC string the read models store.
 */
export const instantParam = (params: QueryParams, name: string, offsetMinutes = 0): string | undefined => {
  const value = single(params, name);
  if (value === undefined) return undefined;
  // The body codecs' rules: Date.parse would roll 2026-02-30 over to 2 March and filter by that.
  const at = instant.decode(day.is(value) ? `${value}T00:00:00Z` : value);
  if (E.isLeft(at)) throw invalidQuery(`${name} must be a date (2026-11-01) or an ISO-8601 time with a zone (2026-11-01T08:00:00Z), from 1970 to 9999 in UTC`);
  return day.is(value) && offsetMinutes !== 0 ? new Date(Date.parse(at.right) - offsetMinutes * 60_000).toISOString() : at.right;
};

export const booleanParam = (params: QueryParams, name: string): boolean | undefined => {
  const value = single(params, name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw invalidQuery(`${name} must be true or false`);
  return value === 'true';
};

export const integerParam = (params: QueryParams, name: string, min: number, max: number): number | undefined => {
  const value = single(params, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) throw invalidQuery(`${name} must be a whole number from ${min} to ${max}`);
  return Number(value);
};

/** `utcOffset=+08:00`: the zone days, weeks, months and quarters are counted in (UTC when absent), minutes east. */
export const utcOffsetParam = (params: QueryParams): number | undefined => {
  const raw = params.utcOffset;
  if (raw === undefined) return undefined;
  const minutes = typeof raw === 'string' ? utcOffsetMinutes(raw) : undefined;
  if (minutes !== undefined) return minutes;
  // A `+` typed into a URL arrives as a space.
  const plus = typeof raw === 'string' && raw.startsWith(' ') ? ': in a URL write + as %2B (utcOffset=%2B08:00), as a bare + arrives as a space' : '';
  throw invalidQuery(`utcOffset is an offset like +08:00 or -05:00, not ${JSON.stringify(raw).slice(0, 40)}${plus}`);
};

export const textParam = (params: QueryParams, name: string, maxLength: number): string | undefined => {
  const value = single(params, name);
  if (value === undefined) return undefined;
  if (value.trim() === '' || value.length > maxLength) throw invalidQuery(`${name} must be 1 to ${maxLength} characters`);
  return value.trim();
};

/** `sort=-receivedAt`: a field the endpoint allows, descending with a leading minus. */
export const sortParam = (params: QueryParams, allowed: readonly string[], fallback: string): { field: string; direction: 1 | -1 } => {
  const value = single(params, 'sort') ?? fallback;
  const field = value.replace(/^-/, '');
  if (!allowed.includes(field)) throw invalidQuery(`sort must be one of ${allowed.join(', ')}, with a leading - for descending`);
  return { field, direction: value.startsWith('-') ? -1 : 1 };
};

/** `from` ≤ field < `to`, either end open. */
export const rangeFilter = (field: string, from: string | undefined, to: string | undefined): Filter => ({ [field]: { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) } });

export const inFilter = (values: ReadonlyArray<string | null>): { $in: Scalar[] } => ({ $in: [...values] });
