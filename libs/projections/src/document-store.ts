/**
 * The DocumentStore port: where projections keep read models. Mongo-style
 * filters and sorts, keyset (cursor) pagination; adapters for SQLite
 * (embedded) and MongoDB pass one contract suite (contract/).
 */
export type Scalar = string | number | boolean | null;
export type Value = Scalar | Value[] | { [key: string]: Value };

/** A read-model document: `_id` is its key. */
export interface Document {
  readonly _id: string;
  // Optional fields may be absent (undefined is not stored).
  readonly [field: string]: Value | undefined;
}

/** Conditions on one field; a bare value means `$eq`. Fields may be dotted paths ("sla.deadline"). */
export interface FieldCondition {
  readonly $eq?: Scalar;
  readonly $ne?: Scalar;
  readonly $in?: readonly Scalar[];
  readonly $nin?: readonly Scalar[];
  readonly $gt?: Scalar;
  readonly $gte?: Scalar;
  readonly $lt?: Scalar;
  readonly $lte?: Scalar;
  readonly $exists?: boolean;
  /** Case-insensitive substring: the portable text search. */
  readonly $contains?: string;
}

export type Filter = {
  readonly $and?: readonly Filter[];
  readonly $or?: readonly Filter[];
} & { readonly [field: string]: Scalar | FieldCondition | readonly Filter[] | undefined };

export type SortDirection = 1 | -1;
export type Sort = ReadonlyArray<readonly [field: string, direction: SortDirection]>;

export interface FindOptions {
  readonly sort?: Sort;
  /** At most this many items; default 50. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface Page<D extends Document> {
  readonly items: D[];
  /** Present when more items follow. */
  readonly nextCursor?: string;
}

/**
 * One row of a scan: the asked fields in the asked order. Booleans come back
 * as 1/0 from every adapter (SQLite has no booleans), missing fields as null,
 * arrays and objects as their JSON text (what SQLite's json_extract gives).
 */
export type ScanRow = Scalar[];

export interface Collection<D extends Document> {
  get(id: string): Promise<D | undefined>;
  find(filter?: Filter, options?: FindOptions): Promise<Page<D>>;
  count(filter?: Filter): Promise<number>;
  /** Every matching document's fields as scalars, unsorted: what aggregations read. */
  scan(filter: Filter, fields: readonly string[]): Promise<ScanRow[]>;
}

/** A change to one document; `upsert` replaces the whole document. */
export type Write = { readonly collection: string; readonly upsert: Document } | { readonly collection: string; readonly delete: string };

/** A fence: commit only while this document's field holds this value (a missing field holds null). */
export interface Precondition {
  readonly collection: string;
  readonly id: string;
  readonly field: string;
  readonly equals: Scalar;
}

export interface DocumentStore {
  collection<D extends Document>(name: string): Collection<D>;
  /**
   * The one way to write: all of `writes` or none of them (a transaction), and
   * none unless every fence holds — then it resolves false.
   */
  commit(writes: readonly Write[], fences?: readonly Precondition[]): Promise<boolean>;
  /** Creates an index on the fields queries filter or sort on (idempotent). */
  ensureIndex(collection: string, fields: readonly string[]): Promise<void>;
  /** Removes a collection with its documents and indexes (idempotent). */
  drop(collection: string): Promise<void>;
  /**
   * Leaves no copy of what has been overwritten or deleted in the store's files, as far as the store can (after an
   * erasure scrubbed documents). SQLite zeroes freed space as it goes (`secure_delete`) and here empties its WAL;
   * MongoDB cannot: its oplog and storage files keep old versions until they roll off or are compacted.
   */
  forgetOverwritten(): Promise<void>;
  close(): Promise<void>;
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/**
 * The read-model store cannot be reached or cannot read or write now (MongoDB
 * unreachable, SQLite busy or failing): temporary; queries answer 503, and
 * projections retry and catch up when it is back.
 */
export class DocumentStoreUnavailableError extends Error {
  override readonly name = 'DocumentStoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
