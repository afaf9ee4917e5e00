import type { RecordedEvent } from '@redress/event-store';
import type { Document } from '../document-store';

/** What the runner adds to every document it writes: the position of the last event folded into it. */
export interface Projected {
  readonly _position: number;
}

/** A read model computed from each document of a projection, written with it (e.g. slim facts for analytics). */
export interface DerivedView<D extends Document> {
  readonly collection: string;
  readonly indexes: ReadonlyArray<readonly string[]>;
  // Method syntax: a view of a specific document type still counts as a view of documents.
  of(document: D & Projected): Document;
}

/**
 * A projection is a pure fold from events to documents: every event changes
 * at most one document (`keyOf`), and that document's next value depends only
 * on its current value and the event (`evolve`). So a document that already
 * holds an event's position has seen it, and replaying is harmless.
 */
export interface Projection<D extends Document = Document> {
  readonly name: string;
  /** Bump when the fold or the indexes change: the engine then rebuilds the projection blue/green. */
  readonly version: number;
  readonly collection: string;
  readonly indexes: ReadonlyArray<readonly string[]>;
  /** The id of the document this event changes; undefined when the event is not for this projection. */
  keyOf(event: RecordedEvent): string | undefined;
  evolve(current: (D & Projected) | undefined, event: RecordedEvent): D;
  readonly derived?: ReadonlyArray<DerivedView<D>>;
}

/** Every logical collection a projection writes, with its indexes. */
export const collectionsOf = (projection: Projection): ReadonlyArray<{ readonly collection: string; readonly indexes: ReadonlyArray<readonly string[]> }> => [
  { collection: projection.collection, indexes: projection.indexes },
  ...(projection.derived ?? []),
];
