import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { holdsEventLog, type EventStore } from '@redress/event-store';
import { loadConfig, openDocumentStore, openEventStore, systemClock, type Config, type Env } from '@redress/platform';
import type { DocumentStore } from '@redress/projections';
import { publishedCatalogue, renderCatalogue } from '@redress/contracts';
import { appraisal } from './appraisal';
import { checkImport, importComplaints, plainProgress, terminalProgress } from './import/import';
import { CommandLineError, UsageError, type CliIo, type ExitCode } from './cli-io';
import { rebuild } from './rebuild';
import { replay } from './replay';
import { token } from './token';
import { verify } from './verify';

export const USAGE = `usage: npm run cli -- <command> [options]

commands:
  token --user ID --role ROLE [--department D] [--hours H]
                           print a bearer token (last line of stdout); roles: intake, handler,
                           supervisor, department (with --department), analysis, auditor,
                           analyst, admin, integration
  replay COMPLAINT_ID      print the case's timeline and the state after each event
  verify [--stream NAME]   re-compute the hash chains of every stream (or one), and check
                           that sealed personal data opens unless it was erased; prints
                           "OK <n> events …" or the first broken or unreadable event,
                           and exits 1 on any alteration
  rebuild [PROJECTION]     replay the log into fresh read models and swap them in
                           (blue/green; safe while the api runs); projections: cases,
                           rectifications, appraisal (default: all)
  catalogue [--out FILE]   the event catalogue as Markdown (npm run catalogue writes
                           docs/events.md)
  import --file F --mapping M [--dry-run] [--rejects R]
                           write each row of a CSV or NDJSON export (F) as a complaint
                           history, mapped by M (see README "Bulk import"); re-running
                           writes nothing twice; bad rows go to R (NDJSON) with reasons
  appraisal --period P [--utc-offset Z] [--department D] [--policy-version N]
                           print the staff appraisal table: P is a month (2026-10), a
                           quarter (2026-Q3) or days (2026-10-01..2026-10-15), in UTC
                           or in the zone Z (+08:00; a negative one as
                           --utc-offset=-05:00); N a weighting policy version
                           other than the period's (what-if)

The store is chosen by the same environment as the api (EVENT_STORE, DATA_DIR, ...).`;

/** The command's options and positionals; an option given twice is refused rather than the last one silently kept. */
const parse = <O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O, allowPositionals = false) => {
  const parsed = parseArgs({ args: [...args], options, allowPositionals, strict: true, tokens: true });
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new CommandLineError(`--${token.name} is given twice`);
    seen.add(token.name);
  }
  return parsed;
};

/**
 * Why there is no embedded log where the configuration puts it: no file (a
 * mistyped DATA_DIR, or nothing written yet), or one that holds none (empty,
 * or another's). Undefined when there is one, or the store is not embedded.
 */
const noLogAt = (config: Config): string | undefined => {
  if (config.eventStore.kind !== 'sqlite') return undefined;
  const file = join(config.dataDir, 'events.db');
  if (!existsSync(file)) return `no event store at ${file} (check DATA_DIR)`;
  return holdsEventLog(file) ? undefined : `${file} holds no event log: it is empty or not Redress's (check DATA_DIR)`;
};

/**
 * Refuses to run where noLogAt finds no log: opening the file would create
 * the schema, and the command would then report on (or build read models
 * from) nothing, as if that were the store.
 */
const missingLog = (config: Config, io: CliIo): ExitCode | undefined => {
  const why = noLogAt(config);
  if (why === undefined) return undefined;
  io.err(why);
  return 2;
};

/** Opens the event store and the read-model store the environment names, runs `use`, closes both. */
const withStores = async (env: Env, io: CliIo, use: (events: EventStore, documents: DocumentStore) => Promise<ExitCode>): Promise<ExitCode> => {
  const config = loadConfig(env);
  const missing = missingLog(config, io);
  if (missing !== undefined) return missing;
  const events = openEventStore(config);
  let documents: DocumentStore;
  try {
    documents = await openDocumentStore(config);
  } catch (error) {
    await events.close();
    throw error;
  }
  try {
    return await use(events, documents);
  } finally {
    await documents.close();
    await events.close();
  }
};

/** Runs one command; never exits the process itself, so tests can call it. */
export const runCli = async (argv: readonly string[], env: Env, io: CliIo): Promise<ExitCode> => {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'verify': {
        const { values } = parse(rest, { stream: { type: 'string' } });
        const config = loadConfig(env);
        const missing = missingLog(config, io);
        if (missing !== undefined) return missing;
        const store = openEventStore(config);
        try {
          return await verify(store, values.stream, io);
        } finally {
          await store.close();
        }
      }
      case 'token': {
        const { values } = parse(rest, { user: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' }, hours: { type: 'string' } });
        return token(values, loadConfig(env), systemClock, io);
      }
      case 'replay': {
        const { positionals } = parse(rest, {}, true);
        if (positionals.length !== 1) throw new CommandLineError('replay takes one complaint id');
        const config = loadConfig(env);
        const missing = missingLog(config, io);
        if (missing !== undefined) return missing;
        const store = openEventStore(config);
        try {
          return await replay(store, positionals[0] as string, io);
        } finally {
          await store.close();
        }
      }
      case 'rebuild': {
        const { positionals } = parse(rest, {}, true);
        if (positionals.length > 1) throw new CommandLineError('rebuild takes at most one projection name');
        return await withStores(env, io, (events, documents) => rebuild(events, documents, positionals[0], io));
      }
      case 'catalogue': {
        const { values } = parse(rest, { out: { type: 'string' } });
        const markdown = renderCatalogue(publishedCatalogue());
        if (values.out === undefined) io.out(markdown.trimEnd());
        else writeFileSync(values.out, markdown);
        return 0;
      }
      case 'import': {
        const { values } = parse(rest, { file: { type: 'string' }, mapping: { type: 'string' }, 'dry-run': { type: 'boolean' }, rejects: { type: 'string' } });
        // The import may create the store, but not for a command it refuses.
        if (values.file === undefined || values.mapping === undefined) throw new CommandLineError('import needs --file and --mapping');
        const checked = await checkImport({ ...values, file: values.file, mapping: values.mapping }, io);
        const config = loadConfig(env);
        // A dry run writes nothing: where there is no log yet it checks against an empty one of its own, not one made at DATA_DIR.
        const scratch = values['dry-run'] === true && noLogAt(config) !== undefined ? mkdtempSync(join(tmpdir(), 'redress-dry-run-')) : undefined;
        const store = openEventStore(scratch === undefined ? config : { ...config, dataDir: scratch }, { bulk: true });
        try {
          return await importComplaints(store, checked, systemClock, io, process.stderr.isTTY ? terminalProgress(process.stderr) : plainProgress(io));
        } finally {
          await store.close();
          if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
        }
      }
      case 'appraisal': {
        const { values } = parse(rest, { period: { type: 'string' }, 'utc-offset': { type: 'string' }, department: { type: 'string' }, 'policy-version': { type: 'string' } });
        return await withStores(env, io, (events, documents) => appraisal(events, documents, values, systemClock, io));
      }
      case undefined:
        // Usage as an answer to a mistake goes where mistakes go.
        io.err(USAGE);
        return 2;
      case 'help':
      case '--help':
        io.out(USAGE);
        return 0;
      default:
        throw new CommandLineError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (error instanceof CommandLineError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    // A refused value or file: its reason alone, not buried under the usage.
    if (error instanceof UsageError) {
      io.err(`${error.message}\n(npm run cli -- help lists every command and option)`);
      return 2;
    }
    throw error;
  }
};
