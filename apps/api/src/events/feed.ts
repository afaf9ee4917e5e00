import { upcast } from '@redress/contracts';
import { storedVersion } from '@redress/domain';
import type { RecordedEvent } from '@redress/event-store';

/** What a consumer asks the feed for: events after a position, of some types, in some streams. */
export interface FeedQuery {
  readonly from: number;
  readonly types?: ReadonlySet<string>;
  readonly streamPrefix?: string;
  readonly form: FeedForm;
}

/**
 * How the feed gives each event: `upcast` to its type's current schema
 * version (the default), `raw` as stored, or `change`: a notice of what
 * changed, without data or metadata, for staff who may not read the log
 * itself (GET /events/changes; a console refetches what it shows).
 */
export type FeedForm = 'upcast' | 'raw' | 'change';
export const FEED_FORMS: readonly FeedForm[] = ['upcast', 'raw', 'change'];

export const matches = (query: FeedQuery, event: RecordedEvent): boolean =>
  (query.types === undefined || query.types.has(event.type)) && (query.streamPrefix === undefined || event.streamName.startsWith(query.streamPrefix));

/**
 * An event as the feed serves it. By default its data is upcast to the type's
 * current schema version: metadata.schemaVersion then says that version and
 * `storedSchemaVersion` the one it was stored in (the hash covers the stored
 * data: verify with `raw=true`).
 */
export const feedEvent = (event: RecordedEvent, form: FeedForm) => {
  const notice = { id: event.id, streamName: event.streamName, revision: event.revision, position: event.position, type: event.type, recordedAt: event.recordedAt };
  if (form === 'change') return notice;
  const stored = storedVersion(event);
  const { data, version } = form === 'raw' ? { data: event.data, version: stored } : upcast(event.type, stored, event.data);
  return { ...notice, data, metadata: version === stored ? event.metadata : { ...event.metadata, schemaVersion: version, storedSchemaVersion: stored } };
};
export type FeedEvent = ReturnType<typeof feedEvent>;
