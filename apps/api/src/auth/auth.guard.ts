import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import * as E from 'fp-ts/Either';
import { tokenVerifier, type Clock } from '@redress/platform';
import { CLOCK, JWT_SECRET } from '../tokens';
import { IS_PUBLIC, type StaffMember } from './actor';

const MESSAGES = {
  // Most often a token made by `cli token` with another DATA_DIR or JWT_SECRET than this server's.
  TOKEN_INVALID: "the bearer token is not valid: malformed, or not signed with this server's JWT_SECRET (make tokens with the server's DATA_DIR and JWT_SECRET)",
  TOKEN_EXPIRED: 'the bearer token has expired; get a new one',
} as const;

/** Authenticates every request but the public ones: `Authorization: Bearer <HS256 JWT>`. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verify: ReturnType<typeof tokenVerifier>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(JWT_SECRET) secret: string,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.verify = tokenVerifier(secret);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // The scheme's name is case-insensitive (RFC 9110 section 11.1): `bearer` is as good as `Bearer`.
    const match = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedException({ code: 'AUTHENTICATION_REQUIRED', message: 'send Authorization: Bearer <token> (npm run cli -- token)' });
    const claims = this.verify(match[1] as string, this.clock.now());
    if (E.isLeft(claims)) throw new UnauthorizedException({ code: claims.left, message: MESSAGES[claims.left] });
    const { sub, role, department } = claims.right;
    request.staff = { user: sub, role, ...(department === undefined ? {} : { department }) };
    request.tokenExpiresAt = claims.right.exp * 1000;
    return true;
  }
}

/** Refuses with 403 unless the member of staff holds one of the roles. */
export const requireRole = (staff: StaffMember, roles: readonly StaffMember['role'][], what: string): void => {
  if (!roles.includes(staff.role)) {
    throw new ForbiddenException({ code: 'ROLE_FORBIDDEN', message: `${what} needs one of the roles ${roles.join(', ')}; you are ${staff.role}` });
  }
};
