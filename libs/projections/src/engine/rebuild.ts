import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '@redress/event-store';
import type { DocumentStore } from '../document-store';
import { foldBatch } from './fold-batch';
import type { AnyProjection } from './projection';
import { CHECKPOINTS, REGISTRY, asRead, checkpointId, generationCollection, readRegistry, whileBuilding, type RegistryEntry } from './registry';

export interface RebuildOptions {
  readonly batchSize?: number;
  readonly now?: () => Date;
  /**
   * How long the replaced generation stays after the swap, for queries that
   * resolved it just before (default 2 s); then it is dropped.
   */
  readonly retireAfterMs?: number;
  /** Told after each batch: how far the rebuild has come. */
  readonly onProgress?: (position: number, events: number) => void;
  /** Aborted: the rebuild gives its generations up at the next batch and throws RebuildStoppedError. */
  readonly signal?: AbortSignal;
}

export interface RebuildReport {
  readonly projection: string;
  readonly generation: number;
  readonly events: number;
  readonly position: number;
  readonly seconds: number;
}

export class RebuildSupersededError extends Error {
  override readonly name = 'RebuildSupersededError';
}

export class RebuildStoppedError extends Error {
  override readonly name = 'RebuildStoppedError';
}

/**
 * A replaced generation still there this long after its swap was left by a
 * rebuild that died before dropping it (killed in the seconds after the swap).
 */
export const RETIRED_LEFTOVER_MS = 60_000;

/** Drops a generation and its checkpoint. */
const drop = async (documents: DocumentStore, projection: AnyProjection, generation: number): Promise<void> => {
  await documents.drop(generationCollection(projection.collection, generation));
  await documents.commit([{ collection: CHECKPOINTS, delete: checkpointId(projection.name, generation) }]);
};

/** Drops the generation a swap replaced, and then its mark in the registry (unless the entry moved on meanwhile). */
const retire = async (documents: DocumentStore, projection: AnyProjection, generation: number): Promise<void> => {
  await drop(documents, projection, generation);
  const registry = await readRegistry(documents, projection.name);
  if (registry?.retiring === generation) await documents.commit([{ collection: REGISTRY, upsert: { ...registry, retiring: null, retiringSince: null } }], asRead(projection.name, registry));
};

/**
 * Drops a replaced generation that a rebuild which died after its swap left
 * behind: it would otherwise stay for good, with whatever personal data it
 * held, since an erasure scrubs only the active generation.
 */
export const dropRetired = async (documents: DocumentStore, projection: AnyProjection, now: Date): Promise<void> => {
  const registry = await readRegistry(documents, projection.name);
  if (typeof registry?.retiring === 'number' && now.getTime() - Date.parse(registry.retiringSince as string) >= RETIRED_LEFTOVER_MS) {
    await retire(documents, projection, registry.retiring);
  }
};

/** Claims the next generation of a projection and clears what a rebuild that died half-way may have left there. */
const claim = async (documents: DocumentStore, projection: AnyProjection, now: Date): Promise<{ generation: number; previous: RegistryEntry | undefined }> => {
  await dropRetired(documents, projection, now);
  const registry = await readRegistry(documents, projection.name);
  const generation = Math.max(registry?.generation ?? 0, registry?.building ?? 0) + 1;
  // rebuiltAt: now, so a runner judging whether this rebuild is alive (before its first checkpoint) sees it fresh.
  const entry: RegistryEntry = registry
    ? { ...registry, building: generation, rebuiltAt: now.toISOString() }
    : // Generation 0: nothing for queries to read until the first build is complete.
      { _id: projection.name, generation: 0, version: projection.version, building: generation, retiring: null, retiringSince: null, rebuiltAt: now.toISOString() };
  // Fenced on the whole entry as read, not only on `building`: that is null again once a rebuild has swapped, and
  // a claim made from an entry read before that swap would put the generation it replaced back in front of queries.
  const claimed = await documents.commit([{ collection: REGISTRY, upsert: entry }], asRead(projection.name, registry));
  if (!claimed) throw new RebuildSupersededError(`another rebuild of ${projection.name} started at the same moment`);
  // What a superseded or dead rebuild left behind, and anything already at the new number.
  if (registry?.building) await drop(documents, projection, registry.building);
  await drop(documents, projection, generation);
  return { generation, previous: registry };
};

/**
 * Gives a claimed generation up: a process stopping mid-rebuild (a rolling
 * restart during a version's rebuild) leaves no claim that looks alive for
 * REBUILD_STALE_MS, so its successor starts over at once.
 */
const giveUp = async (documents: DocumentStore, projection: AnyProjection, generation: number): Promise<void> => {
  const registry = await readRegistry(documents, projection.name);
  if (registry?.building !== generation) return;
  await documents.commit([{ collection: REGISTRY, upsert: { ...registry, building: null } }], asRead(projection.name, registry));
  await drop(documents, projection, generation);
};

/** Indexes the new generation and swaps it in with one fenced write, marking the generation it replaces for retirement. */
const swapIn = async (documents: DocumentStore, projection: AnyProjection, generation: number, now: () => Date, retireAfterMs: number): Promise<void> => {
  // Indexes last: building them once over the loaded documents beats maintaining them per insert.
  for (const fields of projection.indexes) await documents.ensureIndex(generationCollection(projection.collection, generation), fields);
  const registry = await readRegistry(documents, projection.name);
  if (registry?.building !== generation) throw new RebuildSupersededError(`a newer rebuild of ${projection.name} took over`);
  // One mark at a time: an earlier swap's is dropped first, once the queries that chose its generation are done.
  if (typeof registry.retiring === 'number') {
    // At most retireAfterMs: the mark's time is another process's clock.
    await sleep(Math.min(retireAfterMs, Math.max(0, Date.parse(registry.retiringSince as string) + retireAfterMs - now().getTime())));
    await retire(documents, projection, registry.retiring);
  }
  const replaced = registry.generation > 0 ? registry.generation : null;
  const at = now().toISOString();
  const swapped: RegistryEntry = { _id: projection.name, generation, version: projection.version, building: null, retiring: replaced, retiringSince: replaced === null ? null : at, rebuiltAt: at };
  if (!(await documents.commit([{ collection: REGISTRY, upsert: swapped }], [whileBuilding(projection.name, generation)]))) {
    throw new RebuildSupersededError(`a newer rebuild of ${projection.name} took over`);
  }
};

/**
 * Blue/green rebuild of several projections in one pass over the log: claims
 * each one's next generation, replays the whole log into fresh collections,
 * indexes them, and swaps each in with one fenced write, so queries read the
 * old generation until the new one is complete. A newer rebuild of the same
 * projection supersedes this one (its claim moves the fence); live writers of
 * the old generation are fenced off by the swap and continue on the new one
 * from its checkpoint.
 */
export const rebuildProjections = async (events: EventStore, documents: DocumentStore, projections: readonly AnyProjection[], options: RebuildOptions = {}): Promise<RebuildReport[]> => {
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 1000;
  const started = performance.now();
  const claims: Array<{ projection: AnyProjection; generation: number; previous: RegistryEntry | undefined }> = [];
  for (const projection of projections) claims.push({ projection, ...(await claim(documents, projection, now())) });
  let position = 0;
  let count = 0;
  /** Between batches, and before the swaps: a stop gives every claim up. */
  const stopIfAsked = async (): Promise<void> => {
    if (!options.signal?.aborted) return;
    for (const { projection, generation } of claims) await giveUp(documents, projection, generation);
    throw new RebuildStoppedError(`the rebuild of ${claims.map(({ projection }) => projection.name).join(', ')} was stopped at position ${position}`);
  };
  for (;;) {
    await stopIfAsked();
    const page = await events.readAll({ after: position, maxCount: batchSize });
    if (page.length === 0) break;
    for (const { projection, generation } of claims) {
      const writes = await foldBatch(documents, projection, generation, page, now());
      if (!(await documents.commit(writes, [whileBuilding(projection.name, generation)]))) throw new RebuildSupersededError(`a newer rebuild of ${projection.name} took over`);
    }
    position = (page[page.length - 1] as { position: number }).position;
    count += page.length;
    options.onProgress?.(position, count);
  }
  await stopIfAsked();
  const retireAfterMs = options.retireAfterMs ?? 2000;
  const reports: RebuildReport[] = [];
  for (const { projection, generation } of claims) {
    if (count === 0) await documents.commit([{ collection: CHECKPOINTS, upsert: { _id: checkpointId(projection.name, generation), position: 0, lastEventAt: null, updatedAt: now().toISOString() } }]);
    await swapIn(documents, projection, generation, now, retireAfterMs);
    reports.push({ projection: projection.name, generation, events: count, position, seconds: (performance.now() - started) / 1000 });
  }
  const replaced = claims.filter(({ previous }) => previous !== undefined && previous.generation > 0);
  if (replaced.length > 0) await sleep(retireAfterMs);
  for (const { projection, previous } of replaced) await retire(documents, projection, (previous as RegistryEntry).generation);
  return reports;
};

export const rebuildProjection = async (events: EventStore, documents: DocumentStore, projection: AnyProjection, options: RebuildOptions = {}): Promise<RebuildReport> =>
  (await rebuildProjections(events, documents, [projection], options))[0] as RebuildReport;
