import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '@redress/event-store';
import type { Collection, Document, DocumentStore } from '../document-store';
import type { AnyProjection } from './projection';
import { generationCollection, readCheckpoint, readRegistry } from './registry';

export type ProjectionState = 'not_built' | 'rebuilding' | 'catching_up' | 'live' | 'failing';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly generation: number;
  readonly state: ProjectionState;
  readonly position: number;
  readonly headPosition: number;
  /** Events in the log after the checkpoint (counted up to LAG_COUNT_LIMIT). */
  readonly lagEvents: number;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  readonly lagSeconds: number;
  readonly lastEventAt: string | null;
  readonly updatedAt: string | null;
  readonly rebuildingGeneration: number | null;
  readonly error?: { readonly message: string; readonly position: number; readonly at: string };
}

/** Counting lag reads the events behind; past this many, "at least" is enough to know. */
export const LAG_COUNT_LIMIT = 10_000;

/** A projection's active generation as queries see it. */
export interface ActiveGeneration {
  readonly generation: number;
  readonly position: number;
  /** The projection's documents in this generation. */
  collection<D extends Document>(): Collection<D>;
}

/**
 * The read side of the projections: which generation to query, how far it
 * has come, and waiting for a position (read-your-writes). Reads only
 * persisted state, so it answers the same whether the runners are in this
 * process or in a projector elsewhere.
 */
export class ProjectionCatalog {
  private readonly byName: ReadonlyMap<string, AnyProjection>;

  constructor(
    private readonly events: EventStore,
    private readonly documents: DocumentStore,
    projections: readonly AnyProjection[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.byName = new Map(projections.map((projection) => [projection.name, projection]));
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  /** The generation to query, or undefined while none has been built. */
  async active(name: string): Promise<ActiveGeneration | undefined> {
    const projection = this.known(name);
    const registry = await readRegistry(this.documents, name);
    if (!registry || registry.generation === 0) return undefined;
    const checkpoint = await readCheckpoint(this.documents, name, registry.generation);
    const { generation } = registry;
    return {
      generation,
      position: checkpoint?.position ?? 0,
      collection: <D extends Document>() => this.documents.collection<D>(generationCollection(projection.collection, generation)),
    };
  }

  /**
   * The active generation once it has applied `position`, checking every
   * `pollMs`; undefined when `timeoutMs` passes first.
   */
  async reached(name: string, position: number, timeoutMs: number, pollMs = 10): Promise<ActiveGeneration | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const active = await this.active(name);
      if (active && active.position >= position) return active;
      if (Date.now() >= deadline) return undefined;
      await sleep(pollMs);
    }
  }

  /** The log's last position: no projection can reach past it. */
  headPosition(): Promise<number> {
    return this.events.headPosition();
  }

  async status(): Promise<ProjectionStatus[]> {
    const headPosition = await this.events.headPosition();
    return Promise.all(this.names.map((name) => this.statusOf(name, headPosition)));
  }

  private async statusOf(name: string, headPosition: number): Promise<ProjectionStatus> {
    const projection = this.known(name);
    const registry = await readRegistry(this.documents, name);
    const generation = registry?.generation ?? 0;
    const checkpoint = generation > 0 ? await readCheckpoint(this.documents, name, generation) : undefined;
    const position = checkpoint?.position ?? 0;
    const behind = position < headPosition ? await this.events.readAll({ after: position, maxCount: LAG_COUNT_LIMIT }) : [];
    const oldest = behind[0];
    const lagSeconds = oldest ? Math.max(0, (this.now().getTime() - Date.parse(oldest.recordedAt)) / 1000) : 0;
    const rebuilding = registry?.building ?? null;
    const state: ProjectionState =
      generation === 0 ? (rebuilding ? 'rebuilding' : 'not_built') : checkpoint?.error ? 'failing' : rebuilding ? 'rebuilding' : behind.length > 0 ? 'catching_up' : 'live';
    return {
      name,
      version: registry?.version ?? projection.version,
      generation,
      state,
      position,
      headPosition,
      lagEvents: behind.length,
      lagSeconds,
      lastEventAt: checkpoint?.lastEventAt ?? null,
      updatedAt: checkpoint?.updatedAt ?? null,
      rebuildingGeneration: rebuilding,
      ...(checkpoint?.error ? { error: checkpoint.error } : {}),
    };
  }

  private known(name: string): AnyProjection {
    const projection = this.byName.get(name);
    if (!projection) throw new TypeError(`no projection named ${JSON.stringify(name)}`);
    return projection;
  }
}
