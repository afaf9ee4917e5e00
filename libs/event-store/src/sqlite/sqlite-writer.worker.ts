import { parentPort, workerData } from 'node:worker_threads';
import { SqliteWriter, type AppendRequest, type BatchOutcome, type SqliteWriterOptions } from './sqlite-writer';
import type { DataKeyRow } from '../sealing/sqlite-data-keys';

/** What the store sends its writer thread. */
export type WriterRequest = { readonly kind: 'append'; readonly batch: readonly AppendRequest[]; readonly keys: readonly DataKeyRow[] } | { readonly kind: 'close' };

/** What the writer thread answers: once `ready` (or `broken`), then one `appended` per append request, in order. */
export type WriterReply =
  | { readonly kind: 'ready'; readonly settings: ReturnType<SqliteWriter['settings']> }
  | { readonly kind: 'broken'; readonly message: string }
  | { readonly kind: 'appended'; readonly outcome: BatchOutcome }
  | { readonly kind: 'closed' };

const port = parentPort;
if (port) {
  const reply = (message: WriterReply) => port.postMessage(message);
  let writer: SqliteWriter | undefined;
  try {
    writer = new SqliteWriter(workerData as SqliteWriterOptions);
    reply({ kind: 'ready', settings: writer.settings() });
  } catch (error) {
    reply({ kind: 'broken', message: error instanceof Error ? error.message : String(error) });
    port.close();
  }
  port.on('message', (request: WriterRequest) => {
    if (!writer) return;
    if (request.kind === 'append') return reply({ kind: 'appended', outcome: writer.append(request.batch, request.keys) });
    writer.close();
    reply({ kind: 'closed' });
    port.close();
  });
}
