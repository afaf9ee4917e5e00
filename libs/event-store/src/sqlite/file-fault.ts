/**
 * A fault of the SQLite file, not of the statement: busy or locked past the
 * busy timeout, I/O, a full disk, a file that cannot be opened or written.
 * The operation did not happen and may be retried later. By its code, not
 * `instanceof`: better-sqlite3's errors come from the realm that first loaded
 * it, which under jest is another test file's (a full disk was answered with
 * a 500 that way).
 */
export const isSqliteFileFault = (error: unknown): boolean =>
  /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY)/.test(String((error as { code?: unknown } | null)?.code ?? ''));
