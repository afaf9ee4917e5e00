/**
 * One table is the whole log. AUTOINCREMENT (not just INTEGER PRIMARY KEY)
 * makes positions never reused and leaves a high-water mark in
 * sqlite_sequence, which verify uses to spot events deleted from the end.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  stream      TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  id          TEXT    NOT NULL UNIQUE,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream, revision)
);
`;
