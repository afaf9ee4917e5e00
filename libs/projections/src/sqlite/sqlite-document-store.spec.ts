import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDocumentStoreContract } from '../contract/document-store.contract';
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
