import type { RecordedEvent } from '@redress/event-store';
import type { Document, DocumentStore, Write } from '../document-store';
import type { Projected, Projection } from './projection';
import { CHECKPOINTS, checkpointId, generationCollection, type Checkpoint } from './registry';

type Stored = Document & Projected;

/**
 * Folds a batch of events into one generation of a projection: loads the
 * documents the batch touches in one query, folds each event into its
 * document unless the document already holds that position, and returns the
 * writes, the checkpoint last. Pure apart from the one read.
 */
export const foldBatch = async (documents: DocumentStore, projection: Projection, generation: number, events: readonly RecordedEvent[], now: Date): Promise<Write[]> => {
  const last = events[events.length - 1];
  if (!last) return [];
  const keyed = events.flatMap((event) => {
    const key = projection.keyOf(event);
    return key === undefined ? [] : [{ key, event }];
  });
  const collection = generationCollection(projection.collection, generation);
  const ids = [...new Set(keyed.map(({ key }) => key))];
  const current = new Map<string, Stored>();
  if (ids.length > 0) {
    const { items } = await documents.collection<Stored>(collection).find({ _id: { $in: ids } }, { limit: ids.length });
    for (const document of items) current.set(document._id, document);
  }
  const changed = new Set<string>();
  for (const { key, event } of keyed) {
    const document = current.get(key);
    // Already folded (a replay after a crash between write and checkpoint, where writes are not atomic).
    if (document && document._position >= event.position) continue;
    current.set(key, { ...projection.evolve(document, event), _id: key, _position: event.position });
    changed.add(key);
  }
  const writes: Write[] = [];
  for (const key of changed) {
    const document = current.get(key) as Stored;
    writes.push({ collection, upsert: document });
    for (const view of projection.derived ?? []) writes.push({ collection: generationCollection(view.collection, generation), upsert: { ...view.of(document), _position: document._position } });
  }
  const checkpoint: Checkpoint = { _id: checkpointId(projection.name, generation), position: last.position, lastEventAt: last.recordedAt, updatedAt: now.toISOString() };
  writes.push({ collection: CHECKPOINTS, upsert: checkpoint });
  return writes;
};
