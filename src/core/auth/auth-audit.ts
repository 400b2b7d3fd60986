import type { AuditActorRole } from '../audit/audit-entry.ts';
import { ROLES, type Role } from './permissions.ts';

/** Who performed an auth or account action, as the audit log records it (an id and a role, never a name). */
export interface Actor {
  id: string | null;
  role: AuditActorRole;
}

/** The operator at the command line (`sanctuary users …`). */
export const OPERATOR: Actor = { id: null, role: 'operator' };

/** The most privileged role of an account, in the registry's order (admin first); the actor role of its events. */
export function primaryRole(roles: readonly Role[]): Role | undefined {
  return ROLES.find((r) => roles.includes(r));
}

/** The actor for a staff member acting with these roles. */
export function staffActor(userId: string, roles: readonly Role[]): Actor {
  return { id: userId, role: primaryRole(roles) ?? 'anonymous' };
}
