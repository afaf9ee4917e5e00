import { randomUUID } from 'node:crypto';
import type { Document, DocumentStore, Filter, Sort } from '../document-store';
import { InvalidCursorError } from '../document-store';
import { inTotalOrder } from '../cursor';

/** The behaviour every DocumentStore adapter must have; each test uses a fresh collection. */
export interface DocumentStoreTarget {
  open(): Promise<DocumentStore>;
  release(store: DocumentStore): Promise<void>;
}

interface Case extends Document {
  readonly status: string;
  readonly severity: string | null;
  readonly amount?: number;
  readonly receivedAt: string;
  readonly breached: boolean;
  readonly subject: string;
  readonly sla?: { readonly deadline: string };
}

const cases: Case[] = [
  { _id: 'c01', status: 'received', severity: null, amount: 10, receivedAt: '2026-11-01T08:00:00Z', breached: false, subject: 'Parcel late' },
  { _id: 'c02', status: 'closed', severity: 'low', amount: 250, receivedAt: '2026-11-02T08:00:00Z', breached: true, subject: 'Refund missing', sla: { deadline: '2026-11-05T00:00:00Z' } },
  { _id: 'c03', status: 'closed', severity: 'high', receivedAt: '2026-11-03T08:00:00Z', breached: false, subject: '服务态度差 rude staff' },
  { _id: 'c04', status: 'investigating', severity: 'high', amount: 999.5, receivedAt: '2026-11-04T08:00:00Z', breached: true, subject: 'PARCEL damaged', sla: { deadline: '2026-11-06T00:00:00Z' } },
  { _id: 'c05', status: 'received', severity: 'medium', amount: 0, receivedAt: '2026-11-05T08:00:00Z', breached: false, subject: '包裹 延误' },
  { _id: 'c06', status: 'investigating', severity: 'medium', amount: 250, receivedAt: '2026-11-06T08:00:00Z', breached: false, subject: 'Charged twice at the école' },
];

const ids = (documents: readonly Document[]) => documents.map((d) => d._id);

export const describeDocumentStoreContract = (adapter: string, target: DocumentStoreTarget): void => {
  describe(`DocumentStore contract: ${adapter}`, () => {
    let store: DocumentStore;
    let name: string;
    beforeEach(async () => {
      store = await target.open();
      name = `contract_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await store.commit(cases.map((upsert) => ({ collection: name, upsert })));
    });
    afterEach(() => target.release(store));

    const find = async (filter: Filter, sort: Sort = []) => ids((await store.collection<Case>(name).find(filter, { sort, limit: 100 })).items);

    it('gets, replaces and deletes by id, unicode intact', async () => {
      const collection = store.collection<Case>(name);
      expect(await collection.get('c03')).toEqual(cases[2]);
      expect(await store.commit([{ collection: name, upsert: { ...cases[2]!, status: 'reopened' } }])).toBe(true);
      expect((await collection.get('c03'))?.status).toBe('reopened');
      await store.commit([{ collection: name, delete: 'c03' }]);
      expect(await collection.get('c03')).toBeUndefined();
      expect(await collection.count()).toBe(5);
    });

    it('commits writes to several collections only while every fence holds', async () => {
      const fences = `${name}_fence`;
      const other = `${name}_other`;
      const fenced = { collection: fences, id: 'p', field: 'generation', equals: 1 } as const;
      const leased = { collection: fences, id: 'lease', field: 'token', equals: 7 } as const;
      // A missing fence document holds null.
      expect(await store.commit([{ collection: other, upsert: { _id: 'x', n: 0 } }], [fenced])).toBe(false);
      await store.commit([{ collection: fences, upsert: { _id: 'p', generation: 1 } }], [{ ...fenced, equals: null }]);
      expect(await store.commit([{ collection: name, delete: 'c01' }, { collection: other, upsert: { _id: 'x', n: 1 } }], [fenced])).toBe(true);
      expect(await store.commit([{ collection: name, delete: 'c02' }, { collection: other, upsert: { _id: 'x', n: 2 } }], [{ ...fenced, equals: 2 }])).toBe(false);
      // Two fences: both must hold.
      expect(await store.commit([{ collection: other, upsert: { _id: 'x', n: 3 } }], [fenced, leased])).toBe(false);
      await store.commit([{ collection: fences, upsert: { _id: 'lease', token: 7 } }]);
      expect(await store.commit([{ collection: other, upsert: { _id: 'x', n: 4 } }], [fenced, leased])).toBe(true);
      expect(await store.commit([{ collection: other, upsert: { _id: 'x', n: 5 } }], [{ ...fenced, equals: 2 }, leased])).toBe(false);
      expect(ids((await store.collection(name).find({}, { limit: 10 })).items)).toEqual(['c02', 'c03', 'c04', 'c05', 'c06']);
      expect(await store.collection(other).get('x')).toEqual({ _id: 'x', n: 4 });
      await store.drop(fences);
      await store.drop(other);
    });

    it('scans scalar fields: booleans as 1/0, missing as null, dotted paths', async () => {
      const rows = await store.collection(name).scan({ status: { $in: ['closed', 'received'] } }, ['_id', 'breached', 'amount', 'sla.deadline']);
      expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
        ['c01', 0, 10, null],
        ['c02', 1, 250, '2026-11-05T00:00:00Z'],
        ['c03', 0, null, null],
        ['c05', 0, 0, null],
      ]);
    });

    it('scans arrays and objects as their JSON text', async () => {
      await store.commit([{ collection: name, upsert: { _id: 'c07', status: 'closed', marks: [[0, 1, 'received'], [1, 2, 'finding', true, ['h-1'], null]] } }]);
      const rows = await store.collection(name).scan({ _id: { $in: ['c02', 'c07'] } }, ['_id', 'sla', 'marks']);
      expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
        ['c02', '{"deadline":"2026-11-05T00:00:00Z"}', null],
        ['c07', null, '[[0,1,"received"],[1,2,"finding",true,["h-1"],null]]'],
      ]);
    });

    it('drops a collection with its documents, and dropping twice is fine', async () => {
      await store.ensureIndex(name, ['status']);
      await store.drop(name);
      await store.drop(name);
      expect(await store.collection(name).count()).toBe(0);
    });

    it.each<[string, Filter, string[]]>([
      ['equality', { status: 'closed' }, ['c02', 'c03']],
      ['$eq null matches null and missing', { severity: null }, ['c01']],
      ['$ne', { status: { $ne: 'received' } }, ['c02', 'c03', 'c04', 'c06']],
      ['$in', { severity: { $in: ['high', 'low'] } }, ['c02', 'c03', 'c04']],
      ['$in with null', { severity: { $in: [null, 'low'] } }, ['c01', 'c02']],
      ['$nin', { severity: { $nin: ['high', 'medium'] } }, ['c01', 'c02']],
      ['$nin with null', { severity: { $nin: [null, 'high'] } }, ['c02', 'c05', 'c06']],
      ['number ranges', { amount: { $gte: 10, $lt: 999.5 } }, ['c01', 'c02', 'c06']],
      ['ISO time ranges', { receivedAt: { $gt: '2026-11-02T08:00:00Z', $lte: '2026-11-05T08:00:00Z' } }, ['c03', 'c04', 'c05']],
      ['$exists', { amount: { $exists: false } }, ['c03']],
      ['booleans', { breached: true }, ['c02', 'c04']],
      ['dotted paths', { 'sla.deadline': { $lt: '2026-11-06T00:00:00Z' } }, ['c02']],
      ['$contains, case-insensitive', { subject: { $contains: 'parcel' } }, ['c01', 'c04']],
      ['$contains, Chinese', { subject: { $contains: '延误' } }, ['c05']],
      ['$contains folds case beyond ASCII', { subject: { $contains: 'ÉCOLE' } }, ['c06']],
      ['$contains matches text only', { amount: { $contains: '25' } }, []],
      ['$or of $and', { $or: [{ $and: [{ status: 'closed' }, { breached: true }] }, { amount: 0 }] }, ['c02', 'c05']],
      ['by _id', { _id: { $in: ['c06', 'c01', 'nope'] } }, ['c01', 'c06']],
      ['empty $or matches nothing', { $or: [] }, []],
      ['empty $and adds nothing to what is beside it', { _id: 'c02', $and: [] }, ['c02']],
    ])('filters: %s', async (_, filter, expected) => {
      expect((await find(filter, [['_id', 1]])).sort()).toEqual(expected);
      expect(await store.collection(name).count(filter)).toBe(expected.length);
    });

    it('sorts on several fields, nulls first ascending and last descending, ties by id in the last key’s direction', async () => {
      expect(await find({}, [['severity', 1], ['amount', -1]])).toEqual(['c01', 'c04', 'c03', 'c02', 'c06', 'c05']);
      expect(await find({}, [['severity', -1]])).toEqual(['c06', 'c05', 'c02', 'c04', 'c03', 'c01']);
      expect(await find({}, [['amount', 1]])).toEqual(['c03', 'c05', 'c01', 'c02', 'c06', 'c04']);
    });

    it('sorts in memory (inTotalOrder) exactly as a find lists', async () => {
      for (const sort of [[['severity', 1], ['amount', -1]], [['severity', -1]], [['amount', 1]], [['sla.deadline', -1]], [['receivedAt', 1]]] as Sort[]) {
        expect({ sort, order: ids([...cases].reverse().sort(inTotalOrder(sort))) }).toEqual({ sort, order: await find({}, sort) });
      }
    });

    it('pages through every document exactly once, in order, whatever the sort', async () => {
      const collection = store.collection<Case>(name);
      for (let i = 0; i < 30; i += 1) {
        await store.commit([{ collection: name, upsert: { _id: `p${String(i).padStart(2, '0')}`, status: i % 3 === 0 ? 'closed' : 'received', severity: i % 4 === 0 ? null : ['low', 'high'][i % 2] as string, ...(i % 5 === 0 ? {} : { amount: i % 7 }), receivedAt: `2026-10-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`, breached: i % 2 === 0, subject: 's' } }]);
      }
      for (const sort of [[], [['severity', 1]], [['amount', -1], ['status', 1]], [['severity', -1], ['receivedAt', 1]]] as Sort[]) {
        const all = ids((await collection.find({}, { sort, limit: 1000 })).items);
        const paged: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await collection.find({}, { sort, limit: 4, ...(cursor ? { cursor } : {}) });
          paged.push(...ids(page.items));
          cursor = page.nextCursor;
        } while (cursor);
        expect(paged).toEqual(all);
        expect(new Set(paged).size).toBe(36);
      }
    });

    it('sorts and pages "field in (…)" exactly like the same filter spelt with $or', async () => {
      const collection = store.collection<Case>(name);
      for (let i = 0; i < 40; i += 1) {
        await store.commit([{ collection: name, upsert: { _id: `q${String(i).padStart(2, '0')}`, status: ['closed', 'received', 'investigating'][i % 3] as string, severity: i % 4 === 0 ? null : 'low', amount: i % 6, receivedAt: `2026-09-${String((i % 9) + 1).padStart(2, '0')}T00:00:00Z`, breached: i % 2 === 0, subject: 's' } }]);
      }
      for (const sort of [[['receivedAt', -1]], [['amount', 1], ['severity', -1]]] as Sort[]) {
        for (const filter of [{ status: { $in: ['closed', 'investigating'] } }, { $and: [{ breached: true }, { status: { $in: ['closed', 'received', 'nothing', 'closed'] } }] }] as Filter[]) {
          const values = ((filter.status ?? (filter.$and as Filter[])[1]?.status) as { $in: string[] }).$in;
          const spelt = { $and: [filter.$and ? { breached: true } : {}, { $or: values.map((status) => ({ status })) }] };
          const expected = ids((await collection.find(spelt, { sort, limit: 1000 })).items);
          expect(ids((await collection.find(filter, { sort, limit: 1000 })).items)).toEqual(expected);
          const paged: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await collection.find(filter, { sort, limit: 3, ...(cursor ? { cursor } : {}) });
            paged.push(...ids(page.items));
            cursor = page.nextCursor;
          } while (cursor);
          expect(paged).toEqual(expected);
        }
      }
    });

    it('refuses a foreign cursor and a bad field path', async () => {
      const collection = store.collection<Case>(name);
      const { nextCursor } = await collection.find({}, { sort: [['amount', 1]], limit: 2 });
      await expect(collection.find({}, { sort: [['amount', 1], ['status', 1]], cursor: nextCursor as string })).rejects.toThrow(InvalidCursorError);
      await expect(collection.find({}, { cursor: 'garbage' })).rejects.toThrow(InvalidCursorError);
      await expect(collection.find({}, { sort: [['amount', -1]], cursor: nextCursor as string })).rejects.toThrow(InvalidCursorError);
      const crafted = Buffer.from(JSON.stringify({ values: [{ $regex: '(a+)+$' }], id: 'c01', sort: 'amount' })).toString('base64url');
      await expect(collection.find({}, { sort: [['amount', 1]], cursor: crafted })).rejects.toThrow(InvalidCursorError);
      // One value per sort field: with none or more the page would start anywhere (with none, at the first page again).
      for (const values of [[], [1, 2]]) {
        const miscounted = Buffer.from(JSON.stringify({ values, id: 'c01', sort: 'amount' })).toString('base64url');
        await expect(collection.find({}, { sort: [['amount', 1]], cursor: miscounted })).rejects.toThrow(InvalidCursorError);
      }
      await expect(collection.find({ 'a;drop': 1 })).rejects.toThrow(TypeError);
    });

    it('keeps answering the same with an index on the queried fields', async () => {
      await store.ensureIndex(name, ['status', 'receivedAt']);
      await store.ensureIndex(name, ['status', 'receivedAt']);
      expect(await find({ status: 'closed' }, [['receivedAt', -1]])).toEqual(['c03', 'c02']);
    });
  });
};
