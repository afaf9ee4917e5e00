import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoDocumentStore, SqliteDocumentStore, type DocumentStore } from '@redress/projections';
import type { Config } from './config';

/** The configured adapter behind the DocumentStore port (read models). */
export const openDocumentStore = async (config: Pick<Config, 'dataDir' | 'readModelStore'>): Promise<DocumentStore> => {
  if (config.readModelStore.kind === 'mongodb') return MongoDocumentStore.connect(config.readModelStore.uri);
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteDocumentStore(join(config.dataDir, 'read-models.db'));
};
