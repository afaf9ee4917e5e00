import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EventStoreUnavailableError } from '../errors';
import { SqliteWriter, type AppendRequest, type BatchOutcome, type SqliteWriterOptions } from './sqlite-writer';
import type { WriterReply, WriterRequest } from './sqlite-writer.worker';
import type { DataKeyRow } from '../sealing/sqlite-data-keys';

export type WriterSettings = ReturnType<SqliteWriter['settings']>;

/** Where the log's writer runs. It answers every batch posted, in order, through `onOutcome`. */
export interface WriterHost {
  /** The writer's durability settings, once it has opened the file. */
  readonly ready: Promise<WriterSettings>;
  /** A batch, with the data keys given out since the last commit (see SqliteWriter.append). */
  post(batch: readonly AppendRequest[], keys: readonly DataKeyRow[]): void;
  /** Answers what was posted, then closes the writer. */
  stop(): Promise<void>;
}

export interface WriterCallbacks {
  readonly onOutcome: (outcome: BatchOutcome) => void;
  /** The writer is gone: nothing more will be answered. */
  readonly onFailure: (error: Error) => void;
}

/** The writer on the caller's thread: each batch commits, and is answered, as it is posted. */
export const inlineWriter = (options: SqliteWriterOptions, { onOutcome }: WriterCallbacks): WriterHost => {
  const writer = new SqliteWriter(options);
  return {
    ready: Promise.resolve(writer.settings()),
    post: (batch, keys) => onOutcome(writer.append(batch, keys)),
    stop: async () => writer.close(),
  };
};

/**
 * The writer in a worker thread (sqlite-writer.worker.ts): compiled next to
 * this file, or, when running from the TypeScript sources (jest, tsx), loaded
 * through tsx's require hook. The caller's thread goes on preparing appends
 * while a batch waits for its fsync.
 */
export const threadWriter = (options: SqliteWriterOptions, { onOutcome, onFailure }: WriterCallbacks): WriterHost & { readonly worker: Worker } => {
  // A batch's garbage dies young: a small young generation holds it. (A process started with
  // --max-semi-space-size gives its workers that size instead: V8's flag wins over resourceLimits.)
  const settings = { workerData: options, resourceLimits: { maxYoungGenerationSizeMb: 16 } };
  const compiled = join(__dirname, 'sqlite-writer.worker.js');
  const source = join(__dirname, 'sqlite-writer.worker.ts');
  const worker = existsSync(compiled)
    ? new Worker(compiled, settings)
    : new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(source)});`, { ...settings, eval: true });
  let unanswered = 0;
  let stopping = false;
  // An idle writer does not keep the process alive; one with batches in flight, or stopping, does.
  worker.unref();
  const ready = new Promise<WriterSettings>((resolve, reject) => {
    worker.on('message', (reply: WriterReply) => {
      if (reply.kind === 'ready') resolve(reply.settings);
      else if (reply.kind === 'broken') reject(new EventStoreUnavailableError(`event store cannot open ${options.file}: ${reply.message}`));
      else if (reply.kind === 'appended') {
        unanswered -= 1;
        if (unanswered === 0 && !stopping) worker.unref();
        onOutcome(reply.outcome);
      }
    });
  });
  ready.catch(onFailure);
  // An uncaught error ends the thread ('exit' follows): say why.
  worker.on('error', (error) => onFailure(new EventStoreUnavailableError(`the event store's writer thread failed: ${error.message}`, { cause: error })));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      onFailure(new EventStoreUnavailableError("the event store's writer thread stopped"));
      resolve();
    }),
  );
  const send = (request: WriterRequest) => worker.postMessage(request);
  return {
    worker,
    ready,
    post: (batch, keys) => {
      unanswered += 1;
      worker.ref();
      send({ kind: 'append', batch, keys });
    },
    stop: async () => {
      stopping = true;
      worker.ref();
      send({ kind: 'close' });
      await exited;
    },
  };
};
