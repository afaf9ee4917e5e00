import type * as t from 'io-ts';
import { instant, integer, struct, text } from './codecs';
import { Role } from './complaint/vocabulary';

/** Who did it: the user and role from the token, or the system. */
export const Actor = struct('Actor', { user: text(100, 'UserId'), role: text(30, 'ActorRole') });
export type Actor = t.TypeOf<typeof Actor>;

/**
 * What every event carries besides its data (DOMAIN.md section 6). The store
 * adds prevHash and hash; stream, revision, position and recordedAt are the
 * store's own fields of every recorded event.
 */
export const EventMetadata = struct(
  'EventMetadata',
  {
    actor: Actor,
    occurredAt: instant,
    correlationId: text(100, 'CorrelationId'),
    causationId: text(100, 'CausationId'),
    schemaVersion: integer(1, 1000, 'SchemaVersion'),
  },
  {
    /** On a history written by the bulk import: where it came from, so an auditor can trace it to the source row. */
    import: struct('ImportOrigin', { source: text(100, 'ImportSource'), row: integer(1, Number.MAX_SAFE_INTEGER, 'ImportRow') }),
  },
);
export type EventMetadata = t.TypeOf<typeof EventMetadata>;
export { Role };
