/**
 * One table is the whole log. AUTOINCREMENT (not just INTEGER PRIMARY KEY)
 * makes positions never reused and leaves a high-water mark in
 * sqlite_sequence, which verify uses to spot events deleted from the end.
 * Event ids are not indexed: nothing reads by id, ids are UUIDv7 made here,
 * and the index cost an extra page in every commit's fsync (about a third of
 * the append throughput, see bench/event-store).
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  stream      TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  id          TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream, revision)
);
`;
