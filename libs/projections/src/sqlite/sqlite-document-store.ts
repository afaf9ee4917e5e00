import Database from 'better-sqlite3';
import { isSqliteFileFault, truncateWal } from '@redress/event-store';
import { DocumentStoreUnavailableError, type Collection, type Document, type DocumentStore, type FieldCondition, type Filter, type FindOptions, type Page, type Precondition, type Scalar, type ScanRow, type Sort, type Write } from '../document-store';
import { assertFieldPath, pageRequest, toPage, totalOrder } from '../cursor';

type Param = string | number | null;
interface Sql {
  readonly sql: string;
  readonly params: Param[];
}

/** SQLite binds no booleans: JSON true/false come back from json_extract as 1/0. */
const param = (value: Scalar): Param => (typeof value === 'boolean' ? (value ? 1 : 0) : value);
const column = (field: string): string => {
  if (field === '_id') return 'id';
  assertFieldPath(field);
  return `json_extract(doc, '$.${field}')`;
};
const isCondition = (value: unknown): value is FieldCondition => value !== null && typeof value === 'object' && !Array.isArray(value);

const fieldSql = (field: string, condition: Scalar | FieldCondition): Sql[] => {
  const target = column(field);
  if (!isCondition(condition)) return [{ sql: `${target} IS ?`, params: [param(condition)] }];
  const parts: Sql[] = [];
  const list = (values: readonly Scalar[]) => values.map(() => '?').join(', ');
  for (const [operator, operand] of Object.entries(condition)) {
    switch (operator) {
      case '$eq':
        parts.push({ sql: `${target} IS ?`, params: [param(operand as Scalar)] });
        break;
      case '$ne':
        parts.push({ sql: `${target} IS NOT ?`, params: [param(operand as Scalar)] });
        break;
      case '$in': {
        const values = operand as Scalar[];
        const present = values.filter((v) => v !== null);
        const clauses = [...(present.length ? [`${target} IN (${list(present)})`] : []), ...(values.includes(null) ? [`${target} IS NULL`] : [])];
        parts.push({ sql: clauses.length ? `(${clauses.join(' OR ')})` : '0', params: present.map(param) });
        break;
      }
      case '$nin': {
        const values = operand as Scalar[];
        const present = values.filter((v) => v !== null);
        const clauses = [...(present.length ? [`(${target} IS NULL OR ${target} NOT IN (${list(present)}))`] : []), ...(values.includes(null) ? [`${target} IS NOT NULL`] : [])];
        parts.push({ sql: clauses.length ? clauses.join(' AND ') : '1', params: present.map(param) });
        break;
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        const sign = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[operator];
        parts.push({ sql: `${target} ${sign} ?`, params: [param(operand as Scalar)] });
        break;
      }
      case '$exists':
        parts.push({ sql: field === '_id' ? (operand ? '1' : '0') : `json_type(doc, '$.${field}') IS ${operand ? 'NOT ' : ''}NULL`, params: [] });
        break;
      case '$contains':
        // SQLite's lower() folds ASCII only; fold_case is JavaScript's, for every script, and text only (as MongoDB's regex).
        parts.push({ sql: `instr(fold_case(${target}), ?) > 0`, params: [String(operand).toLowerCase()] });
        break;
      default:
        throw new TypeError(`unsupported operator ${operator}`);
    }
  }
  return parts;
};

/**
 * A filter with a top-level `field: {$in: [a, b, …]}` (directly or as one
 * term of a top-level $and) as one filter per value with `field: value`, or
 * undefined when it has none worth splitting.
 */
const splitIn = (filter: Filter): Filter[] | undefined => {
  const terms: Filter[] = filter.$and && Object.keys(filter).length === 1 ? [...filter.$and] : [filter];
  for (const [i, term] of terms.entries()) {
    const entries = Object.entries(term);
    const [field, condition] = entries[0] ?? [];
    if (entries.length !== 1 || field === undefined || field.startsWith('$') || !isCondition(condition) || Object.keys(condition).length !== 1) continue;
    // One branch per distinct bound value: `true` and 1 are the same to SQLite, and a repeated value must not repeat rows.
    const values = condition.$in && [...new Map(condition.$in.map((value) => [param(value), value])).values()];
    if (!values || values.length < 2 || values.length > 20 || values.includes(null)) continue;
    return values.map((value) => ({ $and: terms.map((other, j) => (j === i ? { [field]: value } : other)) }));
  }
  return undefined;
};

/** Compiles a Mongo-style filter to a WHERE clause over JSON documents. */
const compileFilter = (filter: Filter): Sql => {
  const parts: Sql[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === '$and' || key === '$or') {
      const inner = (value as Filter[]).map(compileFilter);
      if (inner.length === 0) {
        parts.push({ sql: key === '$and' ? '1' : '0', params: [] });
        continue;
      }
      parts.push({ sql: `(${inner.map((p) => p.sql).join(key === '$and' ? ' AND ' : ' OR ')})`, params: inner.flatMap((p) => p.params) });
    } else {
      parts.push(...fieldSql(key, value as Scalar | FieldCondition));
    }
  }
  return parts.length === 0 ? { sql: '1', params: [] } : { sql: parts.map((p) => p.sql).join(' AND '), params: parts.flatMap((p) => p.params) };
};

/** Prepared statements by SQL text: preparing costs more than running a small one. */
class Statements {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}
  get(sql: string): Database.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      // Filters come in a bounded number of shapes; the bound only guards against surprises.
      if (this.cache.size >= 1000) this.cache.clear();
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
  clear(): void {
    this.cache.clear();
  }
}

/** Runs a statement; a fault of the file becomes DocumentStoreUnavailableError. */
const reachable = <T>(use: () => T): T => {
  try {
    return use();
  } catch (error) {
    if (isSqliteFileFault(error)) throw new DocumentStoreUnavailableError(`read-model store unavailable: ${(error as Error).message}`, { cause: error });
    throw error;
  }
};

/** A collection never written (or dropped) reads as empty, as in MongoDB; reading never creates it. */
const orEmpty = <T>(empty: T, read: () => T): T =>
  reachable(() => {
    try {
      return read();
    } catch (error) {
      // Duck-typed: better-sqlite3's errors come from another realm under jest.
      if (String((error as { message?: unknown }).message).startsWith('no such table')) return empty;
      throw error;
    }
  });

class SqliteCollection<D extends Document> implements Collection<D> {
  constructor(
    private readonly statements: Statements,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<D | undefined> {
    const row = orEmpty(undefined, () => this.statements.get(`SELECT json(doc) AS doc FROM ${this.table} WHERE id = ?`).get(id) as { doc: string } | undefined);
    return row ? (JSON.parse(row.doc) as D) : undefined;
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<Page<D>> {
    const { sort, limit, after } = pageRequest(options);
    const query = this.pageQuery(filter, sort, limit + 1, after);
    const rows = orEmpty([], () => this.statements.get(query.sql).all(...query.params) as Array<{ doc: string }>);
    return toPage(rows.map((row) => JSON.parse(row.doc) as D), limit, sort);
  }

  /**
   * The SQL of a page. A sorted page over "field in (a, b, …)" is one
   * index-ordered page per value, merged, instead of a sort of every match.
   */
  private pageQuery(filter: Filter, sort: Sort, limit: number, after: Filter | undefined): Sql {
    const from = (branch: Filter): Sql => compileFilter(after ? { $and: [branch, after] } : branch);
    const order = totalOrder(sort).map(([field, direction]) => `${column(field)} ${direction === 1 ? 'ASC' : 'DESC'}`).join(', ');
    const split = sort.length > 0 ? splitIn(filter) : undefined;
    if (!split) {
      const where = from(filter);
      return { sql: `SELECT json(doc) AS doc FROM ${this.table} WHERE ${where.sql} ORDER BY ${order} LIMIT ?`, params: [...where.params, limit] };
    }
    const branches = split.map(from);
    return {
      sql: `SELECT json(doc) AS doc FROM (${branches.map((b) => `SELECT * FROM (SELECT id, doc FROM ${this.table} WHERE ${b.sql} ORDER BY ${order} LIMIT ?)`).join(' UNION ALL ')}) ORDER BY ${order} LIMIT ?`,
      params: [...branches.flatMap((b) => [...b.params, limit]), limit],
    };
  }

  async count(filter: Filter = {}): Promise<number> {
    const where = compileFilter(filter);
    return orEmpty(0, () => (this.statements.get(`SELECT COUNT(*) AS n FROM ${this.table} WHERE ${where.sql}`).get(...where.params) as { n: number }).n);
  }

  async scan(filter: Filter, fields: readonly string[]): Promise<ScanRow[]> {
    const where = compileFilter(filter);
    const columns = fields.length === 0 ? 'NULL' : fields.map(column).join(', ');
    return orEmpty([], () => this.statements.get(`SELECT ${columns} FROM ${this.table} WHERE ${where.sql}`).raw(true).all(...where.params) as ScanRow[]);
  }
}

const tableOf = (collection: string): string => {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(collection)) throw new TypeError(`invalid collection name ${JSON.stringify(collection)}`);
  return `rm_${collection}`;
};

/**
 * Read models in one SQLite file: a table per collection, documents as JSONB
 * (no re-parsing when filters, indexes and scans read fields), expression
 * indexes on the fields queries use.
 */
export class SqliteDocumentStore implements DocumentStore {
  private readonly db: Database.Database;
  private readonly tables = new Set<string>();
  private readonly statements: Statements;

  /** `busyTimeoutMs`: how long a statement waits for another connection's lock before the store counts as unavailable. */
  constructor(file: string, { busyTimeoutMs = 10_000 }: { readonly busyTimeoutMs?: number } = {}) {
    this.db = new Database(file, { timeout: busyTimeoutMs });
    // 16 KiB pages hold several case documents each (about 2 KiB): fewer pages to write and index in a rebuild.
    // It takes effect on a new file only (before WAL is switched on); an existing file keeps its page size.
    this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    // Read models are rebuilt from the log: an fsync per projection batch buys nothing.
    this.db.pragma('synchronous = NORMAL');
    // Rebuilds insert and index every document: a 64 MiB page cache and in-memory sorts keep that off the disk.
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    // What an update or delete frees within a page it writes anyway is overwritten with zeros (FAST: no extra I/O;
    // ON cost a rebuild a quarter of its rate): an erased complainant's text must not linger in a page's free space.
    // forgetOverwritten empties the WAL, which holds the pages as they were.
    this.db.pragma('secure_delete = FAST');
    this.db.function('fold_case', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : null));
    this.statements = new Statements(this.db);
  }

  private table(collection: string): string {
    const table = tableOf(collection);
    if (!this.tables.has(table)) {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc BLOB NOT NULL)`);
      this.tables.add(table);
    }
    return table;
  }

  collection<D extends Document>(name: string): Collection<D> {
    return new SqliteCollection<D>(this.statements, tableOf(name));
  }

  async commit(writes: readonly Write[], fences: readonly Precondition[] = []): Promise<boolean> {
    const apply = this.db.transaction(() => {
      for (const fence of fences) {
        const row = this.statements.get(`SELECT ${column(fence.field)} AS value FROM ${this.table(fence.collection)} WHERE id = ?`).get(fence.id) as { value: Param } | undefined;
        if ((row?.value ?? null) !== param(fence.equals)) return false;
      }
      for (const write of writes) {
        const table = this.table(write.collection);
        if ('upsert' in write) this.statements.get(`INSERT INTO ${table} (id, doc) VALUES (?, jsonb(?)) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`).run(write.upsert._id, JSON.stringify(write.upsert));
        else this.statements.get(`DELETE FROM ${table} WHERE id = ?`).run(write.delete);
      }
      return true;
    });
    // IMMEDIATE: take the write lock up front, so two processes never deadlock upgrading a read.
    return reachable(() => apply.immediate());
  }

  async ensureIndex(collection: string, fields: readonly string[]): Promise<void> {
    const table = this.table(collection);
    const name = `ix_${table}_${fields.map((f) => f.replace(/\./g, '_')).join('_')}`;
    // The id last, as the tie-breaker of every sort (see totalOrder).
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${[...fields.map(column), 'id'].join(', ')})`);
    // Sampled statistics, so the planner can tell a selective index from a broad one.
    this.db.exec(`PRAGMA analysis_limit = 1000; ANALYZE ${name}`);
  }

  async drop(collection: string): Promise<void> {
    const table = tableOf(collection);
    this.statements.clear();
    this.db.exec(`DROP TABLE IF EXISTS ${table}`);
    this.tables.delete(table);
  }

  async forgetOverwritten(): Promise<void> {
    truncateWal(this.db);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
