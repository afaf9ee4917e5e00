import type { RecordedEvent } from '@redress/event-store';
import type { Document } from '../document-store';

/** What the runner adds to every document it writes: the position of the last event folded into it. */
export interface Projected {
  readonly _position: number;
}

/**
 * A projection is a pure fold from events to documents: every event changes
 * at most one document (`keyOf`), and that document's next value depends only
 * on its current value and the event (`evolve`). So a document that already
 * holds an event's position has seen it, and replaying is harmless.
 *
 * Within a batch the fold runs on `F`, whatever is cheapest to fold; a stored
 * document `D` becomes an `F` by `load`, and an `F` is written as `render(F)`
 * once per batch. Projections whose documents fold directly use D for both.
 */
export interface Projection<D extends Document = Document, F = D> {
  readonly name: string;
  /** Bump when the fold or the indexes change: the engine then rebuilds the projection blue/green. */
  readonly version: number;
  readonly collection: string;
  readonly indexes: ReadonlyArray<readonly string[]>;
  /** The id of the document this event changes; undefined when the event is not for this projection. */
  keyOf(event: RecordedEvent): string | undefined;
  // Method syntax: a projection of a specific document type still counts as a projection of documents.
  /** The stored document as the fold's state: without `_position`, which the runner writes (a stale one in render's output would win over it). */
  load(document: D & Projected): F;
  evolve(current: F | undefined, event: RecordedEvent): F;
  /** The document but for its `_id`, which the runner writes first (a document folded as stored keeps its own, the same). */
  render(folded: F): Omit<D, '_id'>;
  /** Whether an event removes data from the documents (an erasure): after a batch with one, the store forgets what was overwritten. */
  readonly scrubs?: (event: RecordedEvent) => boolean;
}

/** For projections that fold their stored documents as they are (but for the runner's `_position`). */
export const asStored = {
  load: <D>({ _position, ...document }: D & Projected): D => document as D,
  render: <D>(document: D): D => document,
};

/** Any projection, as the engine runs it: it never looks inside the folded state. */
export type AnyProjection = Projection<Document, unknown>;
