/**
 * A load generator for the crash test: WRITERS concurrent writers append
 * two-event batches to their own streams forever, printing one line per
 * acknowledged append: "<stream> <batch id>". The parent SIGKILLs it.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@redress/event-store';

const [file, writersArg, round] = process.argv.slice(2);
const store = new SqliteEventStore({ file: file as string });
const writers = Number(writersArg);

const writer = async (w: number): Promise<never> => {
  const stream = `crash-r${round}-w${w}`;
  for (let n = 0; ; n += 1) {
    const batch = `${round}-${w}-${n}`;
    const events = ['Half1', 'Half2'].map((type) => ({ id: randomUUID(), type, data: { batch, payload: 'x'.repeat(200) }, metadata: { round: Number(round) } }));
    await store.appendToStream(stream, events, n === 0 ? 'no_stream' : n * 2 - 1);
    process.stdout.write(`${stream} ${batch}\n`);
  }
};

void Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
