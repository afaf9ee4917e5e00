import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, Subscription } from '@redress/event-store';
import type { DocumentStore, Precondition } from '../document-store';
import { batched } from './batched';
import { foldBatch } from './fold-batch';
import type { Lease } from './lease';
import type { AnyProjection } from './projection';
import { CHECKPOINTS, checkpointId, readCheckpoint, readRegistry, whileActive, type Checkpoint, type RegistryEntry } from './registry';
import { RETIRED_LEFTOVER_MS, dropRetired, rebuildProjection } from './rebuild';

/** The little of a logger the runner needs (pino's shape). */
export interface RunnerLog {
  info(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface RunnerOptions {
  readonly batchSize?: number;
  /** Wait after a failure before trying again. */
  readonly retryMs?: number;
  readonly now?: () => Date;
  readonly log?: RunnerLog;
  /** Held while this runner writes; without it (tests of one runner) the generation fence alone guards writes. */
  readonly lease?: Lease;
}

/** A rebuild whose checkpoint has not moved for this long died; another may take over. */
export const REBUILD_STALE_MS = 120_000;

const silent: RunnerLog = { info: () => undefined, error: () => undefined };

/**
 * Keeps one projection up to date: builds it when it has never been built or
 * its version changed (blue/green, the old generation serving meanwhile), then
 * follows the global log from the active generation's checkpoint, committing
 * each batch's documents and checkpoint together, fenced on the generation. A
 * swap by a rebuild elsewhere fences this writer off; it then reloads and
 * follows the new generation. A failing batch is recorded on the checkpoint
 * and retried; nothing after it is applied until it succeeds.
 */
export class ProjectionRunner {
  private stopping = false;
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private readonly batchSize: number;
  private readonly retryMs: number;
  private readonly now: () => Date;
  private readonly log: RunnerLog;
  private readonly lease: Lease | undefined;
  private retiredCheckedAt = 0;
  /** Aborted by stop(): a rebuild under way gives up at its next batch rather than hold the stop for minutes. */
  private readonly stopped = new AbortController();

  constructor(
    private readonly events: EventStore,
    private readonly documents: DocumentStore,
    readonly projection: AnyProjection,
    options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.retryMs = options.retryMs ?? 1000;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? silent;
    this.lease = options.lease;
  }

  /** Resolves once the projection can answer queries: at once, or after its first build (here or by another process). */
  async start(): Promise<void> {
    while (!this.stopping) {
      try {
        const registry = await readRegistry(this.documents, this.projection.name);
        if (registry && registry.generation > 0) break;
        if (!(await this.leased()) || (registry && (await this.rebuildingElsewhere(registry)))) await sleep(this.retryMs);
        else await this.rebuild('first build');
      } catch (error) {
        if (this.stopping) break;
        // The read-model store may be down a while: keep trying rather than fail the process's start.
        this.log.error({ projection: this.projection.name, err: error }, 'first build did not finish; trying again');
        await sleep(this.retryMs);
      }
    }
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    await this.subscription?.close();
    await this.loop;
    await this.lease?.release();
  }

  /** This runner may write: it holds the lease (acquiring it if free), or runs without one. */
  private async leased(): Promise<boolean> {
    return this.lease === undefined || this.lease.ensure();
  }

  /** The fences of every write to the projection's generation: it is still active and this runner still holds the lease. */
  private fences(generation: number): Precondition[] {
    return [whileActive(this.projection.name, generation), ...(this.lease ? [this.lease.fence()] : [])];
  }

  private async rebuild(reason: string): Promise<void> {
    this.log.info({ projection: this.projection.name, reason }, 'projection rebuild started');
    const report = await rebuildProjection(this.events, this.documents, this.projection, { now: this.now, signal: this.stopped.signal });
    this.log.info({ ...report, reason }, 'projection rebuilt');
  }

  /**
   * Another rebuild is under way while its checkpoint keeps moving; one that
   * has not moved for REBUILD_STALE_MS died, and may be taken over.
   */
  private async rebuildingElsewhere(registry: RegistryEntry): Promise<boolean> {
    if (registry.building === null) return false;
    const checkpoint = await readCheckpoint(this.documents, this.projection.name, registry.building);
    const lastSign = Date.parse(checkpoint?.updatedAt ?? registry.rebuiltAt);
    return this.now().getTime() - lastSign < REBUILD_STALE_MS;
  }

  private async follow(): Promise<void> {
    while (!this.stopping) {
      let generation: number | undefined;
      try {
        if (!(await this.leased())) {
          // Standing by: another process holds this projection's lease.
          await sleep(this.retryMs);
          continue;
        }
        const registry = await readRegistry(this.documents, this.projection.name);
        if (!registry || registry.generation === 0 || registry.version < this.projection.version) {
          // Only an older version is rebuilt, and only once: a newer one belongs to newer code, a running rebuild to whoever runs it.
          if (registry && (await this.rebuildingElsewhere(registry))) await sleep(this.retryMs);
          else await this.rebuild(registry ? `version ${registry.version} → ${this.projection.version}` : 'no read model');
          continue;
        }
        if (registry.version > this.projection.version) {
          // Newer code built it (a rollout under way): its runner needs the lease, which held here would starve it.
          this.log.info({ projection: this.projection.name, stored: registry.version, mine: this.projection.version }, 'read model built by a newer version; not writing to it');
          await this.lease?.release();
          await sleep(this.retryMs * 10);
          continue;
        }
        await this.dropRetired();
        generation = registry.generation;
        const position = (await readCheckpoint(this.documents, this.projection.name, generation))?.position ?? 0;
        if (position > (await this.events.headPosition())) {
          // The log ends before the read model does: it was restored from an older copy, or lost its tail. Following
          // from here would skip the next appends, which take the positions it once had; built anew, it matches the log.
          await this.rebuild(`the log ends before position ${position}, which the read model was built to`);
          continue;
        }
        await this.followGeneration(generation, position);
      } catch (error) {
        if (this.stopping) break;
        await this.recordFailure(error, generation);
        await sleep(this.retryMs);
      }
    }
  }

  /** Returns when this generation is no longer active or the runner stops. */
  private async followGeneration(generation: number, after: number): Promise<void> {
    const subscription = this.events.subscribeToAll({ after });
    this.subscription = subscription;
    if (this.stopping) await subscription.close();
    try {
      for await (const batch of batched(subscription, this.batchSize)) {
        if (this.lease && !this.lease.held()) return;
        if (performance.now() - this.retiredCheckedAt > RETIRED_LEFTOVER_MS) await this.dropRetired();
        const writes = await foldBatch(this.documents, this.projection, generation, batch, this.now());
        if (!(await this.documents.commit(writes, this.fences(generation)))) {
          // Refused: the generation was replaced, or another process took the lease (renew() finds out which at once).
          if (this.lease && !(await this.lease.renew())) this.log.info({ projection: this.projection.name }, 'projection lease taken by another process; standing by');
          else this.log.info({ projection: this.projection.name, generation }, 'projection generation replaced; following the new one');
          return;
        }
        if (this.projection.scrubs && batch.some(this.projection.scrubs)) await this.documents.forgetOverwritten();
      }
    } finally {
      await subscription.close();
    }
  }

  /** Drops a generation a rebuild left behind when it died after its swap (see dropRetired); looked for now and then while following. */
  private async dropRetired(): Promise<void> {
    this.retiredCheckedAt = performance.now();
    await dropRetired(this.documents, this.projection, this.now());
  }

  /** Marks the checkpoint of the generation that failed (fenced: a generation replaced meanwhile is left alone). */
  private async recordFailure(error: unknown, generation: number | undefined): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error({ projection: this.projection.name, err: error }, 'projection failed; retrying');
    if (generation === undefined) return;
    try {
      const checkpoint = await readCheckpoint(this.documents, this.projection.name, generation);
      const position = checkpoint?.position ?? 0;
      const failed: Checkpoint = {
        _id: checkpointId(this.projection.name, generation),
        position,
        lastEventAt: checkpoint?.lastEventAt ?? null,
        updatedAt: checkpoint?.updatedAt ?? this.now().toISOString(),
        error: { message, position, at: this.now().toISOString() },
      };
      await this.documents.commit([{ collection: CHECKPOINTS, upsert: failed }], this.fences(generation));
    } catch {
      // The read-model store itself may be what failed; the log line above says so.
    }
  }
}
