import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Role } from '@redress/contracts';
import type * as t from 'io-ts';

/** The authenticated member of staff behind a request; it becomes every event's actor. */
export interface StaffMember {
  readonly user: string;
  /** `system` for what Redress records by itself (SLA breaches, overdue items, the default policy). */
  readonly role: t.TypeOf<typeof Role> | 'system';
  readonly department?: string;
}

/** The system as an actor: who records deadlines passing (SYSTEM_RECORDED_EVENTS), whichever command found them. */
export const SLA_SCHEDULER: StaffMember = { user: 'sla-scheduler', role: 'system' };

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffMember;
    /** When the request's bearer token expires, epoch ms (a stream ends then). */
    tokenExpiresAt?: number;
    correlationId: string;
  }
}

export const CurrentStaff = createParamDecorator((_: unknown, context: ExecutionContext): StaffMember => {
  const staff = context.switchToHttp().getRequest<FastifyRequest>().staff;
  if (!staff) throw new Error('CurrentStaff used on a public route');
  return staff;
});

/** When the bearer token of the request expires, epoch ms. */
export const TokenExpiresAt = createParamDecorator((_: unknown, context: ExecutionContext): number => {
  const expiresAt = context.switchToHttp().getRequest<FastifyRequest>().tokenExpiresAt;
  if (expiresAt === undefined) throw new Error('TokenExpiresAt used on a public route');
  return expiresAt;
});

export const CorrelationId = createParamDecorator((_: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<FastifyRequest>().correlationId);

export const IS_PUBLIC = Symbol('public');
/** Marks a route that needs no token (health, docs). Every other route does. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
