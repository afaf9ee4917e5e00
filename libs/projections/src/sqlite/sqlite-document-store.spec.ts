import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDocumentStoreContract } from '../contract/document-store.contract';
import { DocumentStoreUnavailableError } from '../document-store';
import { SqliteDocumentStore } from './sqlite-document-store';

const dirs = new Map<object, string>();
describeDocumentStoreContract('sqlite', {
  open: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redress-docs-'));
    const store = new SqliteDocumentStore(join(dir, 'read-models.db'));
    dirs.set(store, dir);
    return store;
  },
  release: async (store) => {
    await store.close();
    rmSync(dirs.get(store) as string, { recursive: true, force: true });
  },
});

describe('SqliteDocumentStore when its file is locked by another connection', () => {
  it('refuses writes with DocumentStoreUnavailableError after its busy timeout, goes on reading, and writes again once the lock is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redress-locked-'));
    const file = join(dir, 'read-models.db');
    const store = new SqliteDocumentStore(file, { busyTimeoutMs: 50 });
    await store.commit([{ collection: 'cases', upsert: { _id: 'a', n: 1 } }]);
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    await expect(store.commit([{ collection: 'cases', upsert: { _id: 'b', n: 2 } }])).rejects.toBeInstanceOf(DocumentStoreUnavailableError);
    expect(await store.collection('cases').get('a')).toEqual({ _id: 'a', n: 1 });
    other.exec('ROLLBACK');
    other.close();
    await store.commit([{ collection: 'cases', upsert: { _id: 'b', n: 2 } }]);
    expect(await store.collection('cases').count()).toBe(2);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
