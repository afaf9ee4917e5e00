import { NotFoundException } from '@nestjs/common';
import type * as t from 'io-ts';
import type { StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';
import { decodeBody } from './request';

/** One row of a route table: `POST /<resource>/:id/<action>` → a command with its body codec and roles. */
export interface RouteAction<Command extends string> {
  readonly command: Command;
  readonly body: t.Mixed;
  readonly roles: readonly StaffMember['role'][];
  readonly summary: string;
}

/**
 * The command a member of staff asks for under an action path: 404 for an
 * unknown action, 403 for a role not in the row, 400 for a bad body.
 */
export const commandFor = <Command extends string>(
  resource: string,
  actions: Readonly<Record<string, RouteAction<Command>>>,
  path: string,
  staff: StaffMember,
  body: unknown,
): { readonly type: Command; readonly body: unknown } => {
  const action = Object.hasOwn(actions, path) ? actions[path] : undefined;
  if (!action) throw new NotFoundException({ code: 'UNKNOWN_ACTION', message: `there is no ${resource} action ${JSON.stringify(path)}; see GET /docs` });
  requireRole(staff, action.roles, path);
  return { type: action.command, body: decodeBody(action.body, body) };
};
