/**
 * For the writer-thread close test: queues many appends on a store whose
 * writer runs in a thread, closes it at once, then says what it saw. The
 * process must not end before close() resolves.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@redress/event-store';

const store = new SqliteEventStore({ file: process.argv[2] as string, writerThread: true });
let settled = 0;
for (let i = 0; i < 1500; i += 1) {
  void store.appendToStream(`s-${i}`, [{ id: randomUUID(), type: 'Queued', data: { i }, metadata: {} }], 'no_stream').then(() => (settled += 1));
}
void store.close().then(() => {
  process.stdout.write(`closed after ${settled} appends\n`);
  process.exitCode = 3;
});
