import type Database from 'better-sqlite3';

/**
 * Copies the WAL back into the database file and empties it (a TRUNCATE
 * checkpoint): after `secure_delete` has overwritten freed bytes in the
 * pages, the WAL is what still holds them as they were. A reader of an older
 * snapshot (another connection) holds it up: it is retried a second apart,
 * in the background, for at most a minute. Not waiting on the busy timeout:
 * that would hold the event loop for seconds.
 */
export const truncateWal = (db: Database.Database, attempt = 0): void => {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
  db.pragma(`busy_timeout = ${timeout}`);
  if (result?.busy && attempt < 60) setTimeout(() => db.open && truncateWal(db, attempt + 1), 1000).unref();
};
