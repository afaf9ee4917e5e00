import { existsSync } from 'node:fs';
import * as E from 'fp-ts/Either';
import { ROLES, Role } from '@redress/contracts';
import { Department, resolveJwtSecret, signToken, type Clock, type Config } from '@redress/platform';
import { CommandLineError, UsageError, type CliIo, type ExitCode } from './cli-io';

export interface TokenRequest {
  readonly user?: string;
  readonly role?: string;
  readonly department?: string;
  readonly hours?: string;
}

/** `token --user U --role R [--department D] [--hours H]`: prints a bearer token as the last line. */
export const token = (request: TokenRequest, config: Config, clock: Clock, io: CliIo): ExitCode => {
  if (request.user === undefined) throw new CommandLineError('token needs --user: 1–100 letters, digits or . _ @ : -');
  if (!/^[\w.@:-]{1,100}$/.test(request.user)) throw new UsageError('--user must be 1–100 letters, digits or . _ @ : -');
  if (request.role === undefined) throw new CommandLineError(`token needs --role: one of ${ROLES.join(', ')}`);
  const role = Role.decode(request.role);
  if (E.isLeft(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  // Plain decimals only (Number() also takes hex, exponents and spaces), and at least a minute: a shorter token is spent before it is used.
  const hours = request.hours === undefined ? 8 : /^\d+(\.\d+)?$/.test(request.hours) ? Number(request.hours) : Number.NaN;
  if (!(hours * 60 >= 1 && hours <= 24 * 30)) throw new UsageError('--hours must be a number of hours from 1/60 (a minute) to 720');
  if (request.department !== undefined && E.isLeft(Department.decode(request.department))) {
    throw new UsageError('--department must be 1–200 characters, not only spaces');
  }
  // A department's staff act only on their department's work: without one, every command of theirs is refused.
  if (role.right === 'department' && request.department === undefined) throw new UsageError('--role department needs --department: the department the token acts for');
  // A secret made in a directory the api does not use (a mistyped DATA_DIR) would sign tokens it answers with 401.
  if (config.jwtSecret === undefined && !existsSync(config.dataDir)) {
    throw new UsageError(`no data directory at ${config.dataDir}: the api makes it, and the signing secret in it, when it first starts (check DATA_DIR, or set JWT_SECRET)`);
  }
  const claims = { sub: request.user, role: role.right, ...(request.department === undefined ? {} : { department: request.department }) };
  // The secret first: a store whose secret is unusable says so before anything is announced.
  const secret = resolveJwtSecret(config);
  io.err(`token for ${request.user} (${role.right}), valid ${hours} h`);
  io.out(signToken(claims, secret, clock.now(), Math.round(hours * 3600)));
  return 0;
};
