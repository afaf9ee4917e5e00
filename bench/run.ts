import type { Figure } from './report';
import { report } from './report';
import { apiBenchmark } from './api';
import { appraisalBenchmark } from './appraisal';
import { chaosBenchmark } from './chaos';
import { eventStoreBenchmark } from './event-store';
import { feedBenchmark } from './feed';
import { importBenchmark } from './import';
import { projectionsBenchmark } from './projections';
import { soakBenchmark } from './soak';

/** `npm run bench -- <name>`: runs one benchmark, prints figures against targets, writes bench/results/<name>.json. */
const benchmarks: Record<string, (log: (line: string) => void) => Promise<Figure[]>> = {
  api: apiBenchmark,
  appraisal: appraisalBenchmark,
  chaos: chaosBenchmark,
  'event-store': eventStoreBenchmark,
  feed: feedBenchmark,
  import: importBenchmark,
  projections: projectionsBenchmark,
  soak: soakBenchmark,
};

const main = async (): Promise<void> => {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const name = process.argv[2];
  const run = name === undefined ? undefined : benchmarks[name];
  if (!run) {
    process.stderr.write(`usage: npm run bench -- <name>\nbenchmarks: ${Object.keys(benchmarks).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const figures = await run(out);
  report(name as string, figures, out);
  if (figures.some((f) => !f.ok)) process.exitCode = 1;
};

void main();
