import Database from 'better-sqlite3';
import type { Collection, Document, DocumentStore, FieldCondition, Filter, FindOptions, Page, Scalar } from '../document-store';
import { afterPosition, assertFieldPath, decodeCursor, encodeCursor } from '../cursor';

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
        parts.push({ sql: `instr(lower(${target}), lower(?)) > 0`, params: [String(operand)] });
        break;
      default:
        throw new TypeError(`unsupported operator ${operator}`);
    }
  }
  return parts;
};

/** Compiles a Mongo-style filter to a WHERE clause over JSON documents. */
export const compileFilter = (filter: Filter): Sql => {
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

class SqliteCollection<D extends Document> implements Collection<D> {
  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<D | undefined> {
    const row = this.db.prepare(`SELECT doc FROM ${this.table} WHERE id = ?`).get(id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as D) : undefined;
  }

  async upsert(document: D): Promise<void> {
    this.db.prepare(`INSERT INTO ${this.table} (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`).run(document._id, JSON.stringify(document));
  }

  async delete(id: string): Promise<void> {
    this.db.prepare(`DELETE FROM ${this.table} WHERE id = ?`).run(id);
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<Page<D>> {
    const sort = options.sort ?? [];
    const limit = options.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('limit must be a whole number ≥ 1');
    const where = compileFilter(options.cursor === undefined ? filter : { $and: [filter, afterPosition(sort, decodeCursor(options.cursor, sort))] });
    const order = [...sort.map(([field, direction]) => `${column(field)} ${direction === 1 ? 'ASC' : 'DESC'}`), 'id ASC'].join(', ');
    const rows = this.db.prepare(`SELECT doc FROM ${this.table} WHERE ${where.sql} ORDER BY ${order} LIMIT ?`).all(...where.params, limit + 1) as Array<{ doc: string }>;
    const items = rows.slice(0, limit).map((row) => JSON.parse(row.doc) as D);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextCursor: encodeCursor(last, sort) } : { items };
  }

  async count(filter: Filter = {}): Promise<number> {
    const where = compileFilter(filter);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${this.table} WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
  }
}

const tableOf = (collection: string): string => {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(collection)) throw new TypeError(`invalid collection name ${JSON.stringify(collection)}`);
  return `rm_${collection}`;
};

/** Read models in one SQLite file: a table per collection, JSON documents, expression indexes. */
export class SqliteDocumentStore implements DocumentStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // Read models are rebuilt from the log: an fsync per projection batch buys nothing.
    this.db.pragma('synchronous = NORMAL');
  }

  collection<D extends Document>(name: string): Collection<D> {
    const table = tableOf(name);
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    return new SqliteCollection<D>(this.db, table);
  }

  async ensureIndex(collection: string, fields: readonly string[]): Promise<void> {
    const table = tableOf(collection);
    this.collection(collection);
    const name = `ix_${table}_${fields.map((f) => f.replace(/\./g, '_')).join('_')}`;
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${fields.map(column).join(', ')})`);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
