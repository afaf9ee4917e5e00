import type { ExitCode } from '../../apps/cli/src/cli-io';
import { runCli } from '../../apps/cli/src/cli';

/** Runs one CLI command in this process, as `npm run cli -- …` would, capturing what it prints. */
export const runCommand = async (env: Record<string, string>, ...args: string[]): Promise<{ code: ExitCode; out: string[]; err: string[] }> => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, env, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
};
