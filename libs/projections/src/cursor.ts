import type { Document, Filter, FindOptions, Page, Scalar, Sort } from './document-store';
import { InvalidCursorError } from './document-store';

/**
 * Keyset pagination shared by the adapters: a cursor holds the sort values
 * and `_id` of the last item of a page, and the next page starts strictly
 * after it in the total order (sort fields, then `_id`).
 */
interface CursorPosition {
  readonly values: readonly Scalar[];
  readonly id: string;
  /** The sort it was made for: a cursor only continues the query that made it. */
  readonly sort: string;
}

const signature = (sort: Sort): string => sort.map(([field, direction]) => `${direction < 0 ? '-' : ''}${field}`).join(',');
const isScalar = (value: unknown): value is Scalar => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** Whatever a dotted path of a document holds, undefined when it is missing. */
export const valueAt = (document: Document, path: string): unknown => {
  let value: unknown = document;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
};

/** A dotted path's scalar; missing (or not a scalar) is null, as the sort treats it. */
export const fieldValue = (document: Document, path: string): Scalar => {
  const value = valueAt(document, path);
  return value === undefined || (typeof value === 'object' && value !== null) ? null : (value as Scalar);
};

const encodeCursor = (document: Document, sort: Sort): string =>
  Buffer.from(JSON.stringify({ values: sort.map(([field]) => fieldValue(document, field)), id: document._id, sort: signature(sort) })).toString('base64url');

const decodeCursor = (cursor: string, sort: Sort): CursorPosition => {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPosition;
    // Values become filter operands: anything but scalars (an operator object) is refused here, and so is any number of
    // them but one per sort field (a missing one would compare with undefined, and the page start over).
    if (
      typeof position.id !== 'string' ||
      !Array.isArray(position.values) ||
      position.values.length !== sort.length ||
      !position.values.every(isScalar) ||
      position.sort !== signature(sort)
    ) {
      throw new Error('shape');
    }
    return position;
  } catch {
    throw new InvalidCursorError('the cursor does not belong to this query; start again without it');
  }
};

/**
 * Ties are broken by `_id`, in the direction of the last sort key: an index
 * on the sort fields plus the id then serves the whole order, forwards or
 * backwards, and a page stops reading as soon as it is full.
 */
export const totalOrder = (sort: Sort): Sort => [...sort, ['_id', sort[sort.length - 1]?.[1] ?? 1]];

const compareScalars = (a: Scalar, b: Scalar): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/**
 * The total order as a comparison, for documents sorted in memory as a find
 * would list them: nulls first ascending and last descending, ties by `_id`.
 * For fields holding one type each (strings compare by UTF-16 code unit,
 * which for ISO times and ids is the stores' byte order).
 */
export const inTotalOrder = (sort: Sort) => (a: Document, b: Document): number =>
  totalOrder(sort).reduce((order, [field, direction]) => order || compareScalars(fieldValue(a, field), fieldValue(b, field)) * direction, 0);

/** Validates a field path before it reaches a query language. */
export const assertFieldPath = (path: string): void => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(path)) throw new TypeError(`invalid field path ${JSON.stringify(path)}`);
};

/**
 * "Strictly after this position" as a Filter, so each adapter only compiles
 * filters. Nulls sort first ascending and last descending, in both SQLite
 * and MongoDB; comparisons never meet a null.
 */
const afterPosition = (sort: Sort, position: CursorPosition): Filter => {
  const beyond = (field: string, direction: 1 | -1, value: Scalar): Filter => {
    if (value === null) return direction === 1 ? { [field]: { $ne: null } } : { _id: { $in: [] } };
    return direction === 1 ? { [field]: { $gt: value } } : { $or: [{ [field]: { $lt: value } }, { [field]: null }] };
  };
  const branches = totalOrder(sort).map(([field, direction], i) => {
    const value = i < sort.length ? (position.values[i] as Scalar) : position.id;
    const equalBefore = sort.slice(0, i).map(([previous], j) => ({ [previous]: position.values[j] as Scalar }));
    return { $and: [...equalBefore, beyond(field, direction, value)] };
  });
  return { $or: branches };
};

/** What a find asks for, checked: the sort, the page size (default 50), and where the page starts. */
export const pageRequest = (options: FindOptions): { sort: Sort; limit: number; after: Filter | undefined } => {
  const sort = options.sort ?? [];
  const limit = options.limit ?? 50;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('limit must be a whole number ≥ 1');
  return { sort, limit, after: options.cursor === undefined ? undefined : afterPosition(sort, decodeCursor(options.cursor, sort)) };
};

/** A page from up to `limit + 1` documents in order: the extra one only says that more follow. */
export const toPage = <D extends Document>(found: readonly D[], limit: number, sort: Sort): Page<D> => {
  const items = found.slice(0, limit);
  const last = items[items.length - 1];
  return found.length > limit && last ? { items, nextCursor: encodeCursor(last, sort) } : { items };
};
