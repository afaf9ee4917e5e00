/** Where a command writes; tests capture it, main() points it at stdout/stderr. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Exit codes: 0 success, 1 the check failed, 2 the command was used wrongly. */
export type ExitCode = 0 | 1 | 2;

/** A value, file or store the command refuses: exit 2 with the reason. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}

/** A command line that is not one (an unknown command, a missing or repeated option): the reason and the whole usage. */
export class CommandLineError extends UsageError {
  override readonly name: string = 'CommandLineError';
}
