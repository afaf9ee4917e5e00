import { NotFoundException } from '@nestjs/common';
import type * as t from 'io-ts';
import type { StaffMember } from '../auth/actor';
import { requireRole } from '../auth/auth.guard';

/** One row of a route table: `POST /<resource>/:id/<action>` → a command with its body codec and roles. */
export interface RouteAction<Command extends string> {
  readonly command: Command;
  readonly body: t.Mixed;
  readonly roles: readonly StaffMember['role'][];
  readonly summary: string;
}

/** The row a member of staff may act under: 404 for an unknown action, 403 for a role not in it. */
export const actionFor = <Action extends RouteAction<string>>(resource: string, actions: Readonly<Record<string, Action>>, path: string, staff: StaffMember): Action => {
  const action = Object.hasOwn(actions, path) ? actions[path] : undefined;
  if (!action) throw new NotFoundException({ code: 'UNKNOWN_ACTION', message: `there is no ${resource} action ${JSON.stringify(path)}; see GET /docs` });
  requireRole(staff, action.roles, path);
  return action;
};
