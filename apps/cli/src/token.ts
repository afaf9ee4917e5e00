import * as E from 'fp-ts/Either';
import { ROLES, Role } from '@redress/contracts';
import { resolveJwtSecret, signToken, type Clock, type Config } from '@redress/platform';
import { UsageError, type CliIo, type ExitCode } from './cli-io';

export interface TokenRequest {
  readonly user?: string;
  readonly role?: string;
  readonly department?: string;
  readonly hours?: string;
}

/** `token --user U --role R [--department D] [--hours H]`: prints a bearer token as the last line. */
export const token = (request: TokenRequest, config: Config, clock: Clock, io: CliIo): ExitCode => {
  if (!request.user || !/^[\w.@:-]{1,100}$/.test(request.user)) throw new UsageError('--user is required: 1–100 letters, digits or . _ @ : -');
  const role = Role.decode(request.role);
  if (E.isLeft(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const hours = request.hours === undefined ? 8 : Number(request.hours);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) throw new UsageError('--hours must be a number of hours from 0 to 720');
  const claims = { sub: request.user, role: role.right, ...(request.department ? { department: request.department } : {}) };
  io.err(`token for ${request.user} (${role.right}), valid ${hours} h`);
  io.out(signToken(claims, resolveJwtSecret(config), clock.now(), Math.round(hours * 3600)));
  return 0;
};
