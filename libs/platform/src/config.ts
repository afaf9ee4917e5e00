import { sequenceS } from 'fp-ts/Apply';
import * as E from 'fp-ts/Either';
import { getSemigroup, type NonEmptyArray } from 'fp-ts/NonEmptyArray';
import { pipe } from 'fp-ts/function';

/**
 * The one configuration loader: environment variables only, every value
 * validated at start-up, every problem reported at once with the variable's
 * name, so a wrong deployment fails before it serves anything.
 */
export interface Config {
  readonly port: number;
  readonly dataDir: string;
  readonly eventStore: { readonly kind: 'sqlite' } | { readonly kind: 'eventstoredb'; readonly connectionString: string };
  readonly readModelStore: { readonly kind: 'sqlite' } | { readonly kind: 'mongodb'; readonly uri: string };
  readonly jwtSecret: string | undefined;
  readonly logLevel: LogLevel;
  /**
   * Where projections, the SLA scheduler's ticks and webhook delivery run:
   * in the api process (embedded), or in `apps/projector` processes only.
   */
  readonly projector: ProjectorPlacement;
  /** Complaints a second each user may submit (`POST /complaints`), in bursts of up to twice that; 0: no limit. */
  readonly intakeRateLimit: number;
  /**
   * The hosts webhooks may be sent to (`hooks.example.com`, or `*.example.com` for its subdomains); undefined: any.
   * Without it an admin token can make the api call any address it can reach, its loopback and private ranges too.
   */
  readonly webhookAllowedHosts: readonly string[] | undefined;
}

export const PROJECTOR_PLACEMENTS = ['in-process', 'separate'] as const;
export type ProjectorPlacement = (typeof PROJECTOR_PLACEMENTS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Env = Readonly<Record<string, string | undefined>>;
type Check<T> = E.Either<NonEmptyArray<string>, T>;

const fail = (message: string): Check<never> => E.left([message]);
const present = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

const oneOf =
  <T extends string>(name: string, allowed: readonly T[], fallback: T) =>
  (env: Env): Check<T> => {
    const value = present(env, name) ?? fallback;
    return (allowed as readonly string[]).includes(value)
      ? E.right(value as T)
      : fail(`${name}=${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  };

const port = (env: Env): Check<number> => {
  const value = present(env, 'PORT') ?? '3000';
  const parsed = Number(value);
  return /^\d+$/.test(value) && parsed >= 0 && parsed <= 65535
    ? E.right(parsed)
    : fail(`PORT=${JSON.stringify(value)} must be a whole number from 0 to 65535 (0 picks a free port)`);
};

const rate = (name: string, fallback: number) => (env: Env): Check<number> => {
  const value = present(env, name) ?? String(fallback);
  return /^\d+$/.test(value) ? E.right(Number(value)) : fail(`${name}=${JSON.stringify(value)} must be a whole number of requests a second (0: no limit)`);
};

const url = (name: string, schemes: readonly string[], env: Env): Check<string> => {
  const value = present(env, name);
  if (value === undefined) return fail(`${name} is required (${schemes.map((s) => `${s}//…`).join(' or ')})`);
  return schemes.some((scheme) => value.startsWith(`${scheme}//`))
    ? E.right(value)
    : fail(`${name} must start with ${schemes.map((s) => `${s}//`).join(' or ')}`);
};

const eventStore = (env: Env): Check<Config['eventStore']> =>
  pipe(
    oneOf('EVENT_STORE', ['sqlite', 'eventstoredb'], 'sqlite')(env),
    E.chain((kind): Check<Config['eventStore']> =>
      kind === 'sqlite'
        ? E.right({ kind })
        : pipe(
            // What @eventstore/db-client parses: KurrentDB's own kurrentdb:// is the same string with this scheme.
            url('EVENTSTORE_CONNECTION_STRING', ['esdb:', 'esdb+discover:'], env),
            E.map((connectionString) => ({ kind, connectionString })),
          ),
    ),
  );

const readModelStore = (env: Env): Check<Config['readModelStore']> =>
  pipe(
    oneOf('READ_MODEL_STORE', ['sqlite', 'mongodb'], 'sqlite')(env),
    E.chain((kind): Check<Config['readModelStore']> =>
      kind === 'sqlite'
        ? E.right({ kind })
        : pipe(
            url('MONGODB_URI', ['mongodb:', 'mongodb+srv:'], env),
            E.map((uri) => ({ kind, uri })),
          ),
    ),
  );

/** A host name, or `*.` and the domain whose subdomains it allows. */
const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const allowedHosts = (env: Env): Check<readonly string[] | undefined> => {
  const value = present(env, 'WEBHOOK_ALLOWED_HOSTS');
  if (value === undefined) return E.right(undefined);
  const hosts = value.split(',').map((host) => host.trim().toLowerCase());
  const bad = hosts.filter((host) => !HOST_PATTERN.test(host));
  return bad.length === 0 ? E.right(hosts) : fail(`WEBHOOK_ALLOWED_HOSTS takes host names, or *.domain for its subdomains, separated by commas: not ${bad.map((host) => JSON.stringify(host)).join(', ')}`);
};

export const MIN_SECRET_LENGTH = 32;
const jwtSecret = (env: Env): Check<string | undefined> => {
  const value = present(env, 'JWT_SECRET');
  return value === undefined || value.length >= MIN_SECRET_LENGTH
    ? E.right(value)
    : fail(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters (it is ${value.length})`);
};

const validation = E.getApplicativeValidation(getSemigroup<string>());

/** Production mode has no DATA_DIR to keep a generated secret in, and several api instances must share one. */
const secretInProduction = (config: Config): E.Either<readonly string[], Config> =>
  config.eventStore.kind === 'eventstoredb' && config.jwtSecret === undefined
    ? E.left(['JWT_SECRET is required when EVENT_STORE=eventstoredb'])
    : E.right(config);

/** Pure: the configuration, or every problem found in `env`. */
export const parseConfig = (env: Env): E.Either<readonly string[], Config> =>
  pipe(settings(env), E.chain(secretInProduction));

const settings = (env: Env): E.Either<readonly string[], Config> =>
  sequenceS(validation)({
    port: port(env),
    dataDir: E.right(present(env, 'DATA_DIR') ?? './data'),
    eventStore: eventStore(env),
    readModelStore: readModelStore(env),
    jwtSecret: jwtSecret(env),
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info')(env),
    projector: oneOf('PROJECTOR', PROJECTOR_PLACEMENTS, 'in-process')(env),
    intakeRateLimit: rate('INTAKE_RATE_LIMIT', 50)(env),
    webhookAllowedHosts: allowedHosts(env),
  });

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const loadConfig = (env: Env = process.env): Config =>
  pipe(
    parseConfig(env),
    E.getOrElseW((problems) => {
      throw new ConfigError(problems);
    }),
  );
