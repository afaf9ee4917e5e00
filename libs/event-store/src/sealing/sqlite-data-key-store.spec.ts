import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDataKeyStoreContract } from '../contract/data-key-store.contract';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { SqliteDataKeyStore } from './sqlite-data-key-store';

describeDataKeyStoreContract('sqlite keys.db', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-keys-'));
  return { open: () => new SqliteDataKeyStore(join(dir, 'keys.db')), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});

describeDataKeyStoreContract('the embedded log (events.db)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-log-keys-'));
  let log: SqliteEventStore | undefined;
  return {
    open: () => {
      log = new SqliteEventStore({ file: join(dir, 'events.db') });
      const keys = log.dataKeys();
      const opened = log;
      // A key is committed with the log's next batch: an append made after it was given out.
      return { ...keys, close: async () => {
        await opened.appendToStream(`s-${randomUUID()}`, [{ id: randomUUID(), type: 'Sealed', data: {}, metadata: {} }]);
        await opened.close();
      } };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
});
