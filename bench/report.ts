import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { percentile as nearestRank } from '@redress/projections';

/** One measured figure next to the target it is held to. */
export interface Figure {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** e.g. ">= 15000" or "< 5"; "reference" for figures with no target of their own (baselines measured in the same run, tails). */
  readonly target: string;
  readonly ok: boolean;
}

const meets = (value: number, target: string): boolean => {
  const match = /^(>=|<=|<|>)\s*([\d.]+)$/.exec(target);
  if (!match) return true;
  const bound = Number(match[2]);
  switch (match[1]) {
    case '>=':
      return value >= bound;
    case '<=':
      return value <= bound;
    case '<':
      return value < bound;
    default:
      return value > bound;
  }
};

export const figure = (metric: string, value: number, unit: string, target: string): Figure => ({
  metric,
  value: Math.round(value * 100) / 100,
  unit,
  target,
  ok: meets(value, target),
});

/** Prints each figure beside its target and writes bench/results/<name>.json. */
export const report = (name: string, figures: readonly Figure[], out: (line: string) => void): void => {
  const width = Math.max(...figures.map((f) => f.metric.length));
  out(`\n${name} — ${new Date().toISOString()} — ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${cpus()[0]?.model ?? 'unknown cpu'}`);
  for (const f of figures) {
    out(`  ${f.metric.padEnd(width)}  ${String(f.value).padStart(12)} ${f.unit.padEnd(9)} target ${f.target.padEnd(10)} ${f.ok ? 'ok' : 'MISSED'}`);
  }
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
};

/** Percentile (p in %) of an ascending-sorted sample: nearest rank, as the analysis defines it. */
export const percentile = (sorted: readonly number[], p: number): number => nearestRank(sorted, p / 100) ?? Number.NaN;
