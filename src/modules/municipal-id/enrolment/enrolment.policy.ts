/**
 * Who may do what at the municipal ID desk. The permission registry checks these on every route; services take
 * the acting staff member's role for the audit entry.
 */
import type { PermissionDefinition, Role } from '../../../core/auth/permissions.ts';

export const MUNICIPAL_ID_PERMISSIONS = {
  /** Open applications (decrypts; audited), record the documents checked, take the photo, see the desk's lists. */
  enrol: 'municipal-id.enrol',
  /** Approve or deny an enrolled application, print its decision letter, renew, replace or revoke a card. */
  approve: 'municipal-id.approve',
  /** Work the print queue: print cards, mark them printed and handed over, reprint. */
  print: 'municipal-id.print',
  /** The program's reports (aggregates only). */
  reports: 'municipal-id.reports',
  /** Forget a card holder on their request (revokes every card, destroys the holder's key). */
  forget: 'municipal-id.forget',
} as const;

/** Desk staff (program and Office staff) enrol and print; program staff decide; an administrator can cover. */
export const municipalIdStaffPermissions: readonly PermissionDefinition[] = [
  { id: MUNICIPAL_ID_PERMISSIONS.enrol, descriptionKey: 'permission.municipal-id.enrol', roles: ['program-staff', 'office-staff', 'admin'] },
  { id: MUNICIPAL_ID_PERMISSIONS.approve, descriptionKey: 'permission.municipal-id.approve', roles: ['program-staff', 'admin'] },
  { id: MUNICIPAL_ID_PERMISSIONS.print, descriptionKey: 'permission.municipal-id.print', roles: ['program-staff', 'office-staff', 'admin'] },
  { id: MUNICIPAL_ID_PERMISSIONS.reports, descriptionKey: 'permission.municipal-id.reports', roles: ['program-staff', 'office-staff', 'admin'] },
  { id: MUNICIPAL_ID_PERMISSIONS.forget, descriptionKey: 'permission.municipal-id.forget', roles: ['admin'] },
];

/** The role a staff member acts in for one of these permissions (recorded in the audit log). */
export function actingRole(roles: readonly Role[], permission: string): Role {
  const holders = municipalIdStaffPermissions.find((p) => p.id === permission)?.roles ?? [];
  const role = roles.find((r) => holders.includes(r));
  if (!role) throw new Error(`no role of this staff member holds ${permission}`);
  return role;
}
