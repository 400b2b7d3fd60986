/**
 * Who may do what with applications in this part. The permission registry checks these on every route;
 * services take the acting staff member's role for the audit entry.
 */
import type { PermissionDefinition, Role } from '../../../core/auth/permissions.ts';

export const APPLICATION_PERMISSIONS = {
  /** Read an application's address (audited) and place it on the city map when the software could not. */
  placeLocation: 'municipal-id.location.place',
} as const;

/** Program staff run the municipal ID; administrators cover. */
export const applicationPermissions: readonly PermissionDefinition[] = [
  { id: APPLICATION_PERMISSIONS.placeLocation, descriptionKey: 'permission.municipal-id.location.place', roles: ['program-staff', 'admin'] },
];

/** The role a staff member acts in for one of these permissions (recorded in the audit log). */
export function actingRole(roles: readonly Role[], permission: string): Role {
  const holders = applicationPermissions.find((p) => p.id === permission)?.roles ?? [];
  const role = roles.find((r) => holders.includes(r));
  if (!role) throw new Error(`no role of this staff member holds ${permission}`);
  return role;
}
