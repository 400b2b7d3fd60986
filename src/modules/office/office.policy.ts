/**
 * Who may do what with Office requests. The permission registry checks these on every route; services take
 * the acting staff member's role for the audit entry.
 */
import type { PermissionDefinition, Role } from '../../core/auth/permissions.ts';

export const OFFICE_PERMISSIONS = {
  /** See the request queue and open a request (decrypts the person's contact details; audited). */
  read: 'office.requests.read',
  /** Change a request's status (received, in progress, closed). */
  update: 'office.requests.update',
} as const;

/** Office staff work the queue; administrators can too (small offices, cover). */
export const officePermissions: readonly PermissionDefinition[] = [
  { id: OFFICE_PERMISSIONS.read, descriptionKey: 'permission.office.requests.read', roles: ['office-staff', 'admin'] },
  { id: OFFICE_PERMISSIONS.update, descriptionKey: 'permission.office.requests.update', roles: ['office-staff', 'admin'] },
];

/** The role a staff member acts in for an Office permission (recorded in the audit log). */
export function actingRole(roles: readonly Role[], permission: string): Role {
  const holders = officePermissions.find((p) => p.id === permission)?.roles ?? [];
  const role = roles.find((r) => holders.includes(r));
  if (!role) throw new Error(`no role of this staff member holds ${permission}`);
  return role;
}
