import { ErasureInProgressError, EventStoreUnavailableError } from '@redress/event-store';
import { ConfigError, JwtSecretError } from '@redress/platform';
import { DocumentStoreUnavailableError } from '@redress/projections';
import { runCli } from './cli';

/**
 * Failures of the machine or its files rather than of this code: their message
 * says what to fix (a path, a store that cannot be reached, a corrupt file), so
 * the stack is left out. Anything else is a bug, and keeps its stack.
 */
const expected = (error: unknown): boolean => {
  if (error instanceof ConfigError || error instanceof JwtSecretError || error instanceof EventStoreUnavailableError || error instanceof DocumentStoreUnavailableError) return true;
  // A row of a complainant whose erasure is under way: the import stops there, and running it again goes on from it.
  if (error instanceof ErasureInProgressError) return true;
  // SQLite's own errors (a corrupt or locked file), and the system's (ENOENT, EACCES, EEXIST... from a path given).
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'SqliteError' || (typeof code === 'string' && /^E[A-Z]+$/.test(code));
};

/**
 * A reader that went away (`| head`): what is left to print is dropped, and
 * the command finishes its work (an import piped to head still imports).
 * Node reports the closed pipe as an 'error' on stdout, which unhandled
 * would end the process with a stack trace.
 */
let readerGone = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  readerGone = true;
});

runCli(process.argv.slice(2), process.env, {
  out: (line) => {
    if (!readerGone) process.stdout.write(`${line}\n`);
  },
  err: (line) => process.stderr.write(`${line}\n`),
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`${expected(error) ? (error as Error).message : String((error as Error).stack ?? error)}\n`);
    process.exitCode = 1;
  });
