/** Where a command writes; tests capture it, main() points it at stdout/stderr. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Exit codes: 0 success, 1 the check failed, 2 the command was used wrongly. */
export type ExitCode = 0 | 1 | 2;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
