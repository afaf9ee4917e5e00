import type { Document, DocumentStore, Precondition } from '../document-store';

/**
 * Where projections keep their bookkeeping, beside their documents. Each
 * projection has numbered generations; queries read the active one while a
 * rebuild fills the next, and the swap is one fenced write (blue/green).
 */
export const REGISTRY = 'projections';
export const CHECKPOINTS = 'projection_checkpoints';

export interface RegistryEntry extends Document {
  readonly _id: string;
  /** The generation queries read; 0 until the first build is complete. */
  readonly generation: number;
  /** The projection version it was built with. */
  readonly version: number;
  /** The generation a rebuild is filling, if one is. */
  readonly building: number | null;
  /**
   * The generation the last swap replaced, until it is dropped (RETIRE_AFTER_MS
   * after the swap): set, and older than that, it was left by a rebuild that
   * died (see dropRetired). Absent in entries written before it existed.
   */
  readonly retiring?: number | null;
  /** When the swap that marked `retiring` happened; set and cleared with it. */
  readonly retiringSince?: string | null;
  /** When the last rebuild was claimed or swapped in. */
  readonly rebuiltAt: string;
}

export interface Checkpoint extends Document {
  readonly position: number;
  /** When the last folded event was recorded. */
  readonly lastEventAt: string | null;
  readonly updatedAt: string;
  /** Set while the projection is stuck on an event; cleared by the next commit. */
  readonly error?: { readonly message: string; readonly position: number; readonly at: string };
}

/** A generation's physical collection name. */
export const generationCollection = (collection: string, generation: number): string => `${collection}_g${generation}`;
export const checkpointId = (projection: string, generation: number): string => `${projection}_g${generation}`;

export const readRegistry = (documents: DocumentStore, projection: string): Promise<RegistryEntry | undefined> =>
  documents.collection<RegistryEntry>(REGISTRY).get(projection);

export const readCheckpoint = (documents: DocumentStore, projection: string, generation: number): Promise<Checkpoint | undefined> =>
  documents.collection<Checkpoint>(CHECKPOINTS).get(checkpointId(projection, generation));

/** Commit only while the entry is as it was read: no rebuild has claimed, swapped or retired since. */
export const asRead = (projection: string, entry: RegistryEntry | undefined): Precondition[] =>
  (['generation', 'building', 'retiring'] as const).map((field) => ({ collection: REGISTRY, id: projection, field, equals: entry?.[field] ?? null }));

/** Commit only while this generation is the one queries read: a replaced writer can no longer write. */
export const whileActive = (projection: string, generation: number): Precondition => ({ collection: REGISTRY, id: projection, field: 'generation', equals: generation });
/** Commit only while this rebuild is the one in charge: a newer rebuild supersedes it. */
export const whileBuilding = (projection: string, generation: number): Precondition => ({ collection: REGISTRY, id: projection, field: 'building', equals: generation });
