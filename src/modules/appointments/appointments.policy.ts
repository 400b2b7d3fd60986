/**
 * Who may do what with appointments. Routes name one of these permissions; services take the acting staff
 * member's role for the audit entry.
 */
import type { PermissionDefinition, Role } from '../../core/auth/permissions.ts';

export const APPOINTMENT_PERMISSIONS = {
  /** See a site's appointments of a day and open one (opening decrypts the contact for reminders; audited). */
  read: 'appointments.bookings.read',
  /** Mark arrived, served or no-show; cancel on a person's behalf. */
  update: 'appointments.bookings.update',
  /** Run the walk-in queue: add tickets, call the next, mark served or no-show. */
  walkIns: 'appointments.walkins.manage',
  /** Create and change sites, opening hours, closures and capacity. */
  sites: 'appointments.sites.manage',
  /** Weekly figures (suppressed counts). */
  reports: 'appointments.reports.read',
} as const;

/** Front-desk and program staff run the day; administrators configure sites. */
export const appointmentPermissions: readonly PermissionDefinition[] = [
  { id: APPOINTMENT_PERMISSIONS.read, descriptionKey: 'permission.appointments.bookings.read', roles: ['office-staff', 'program-staff', 'admin'] },
  { id: APPOINTMENT_PERMISSIONS.update, descriptionKey: 'permission.appointments.bookings.update', roles: ['office-staff', 'program-staff', 'admin'] },
  { id: APPOINTMENT_PERMISSIONS.walkIns, descriptionKey: 'permission.appointments.walkins.manage', roles: ['office-staff', 'program-staff', 'admin'] },
  { id: APPOINTMENT_PERMISSIONS.sites, descriptionKey: 'permission.appointments.sites.manage', roles: ['admin'] },
  { id: APPOINTMENT_PERMISSIONS.reports, descriptionKey: 'permission.appointments.reports.read', roles: ['office-staff', 'program-staff', 'admin'] },
];

/** The role a staff member acts in for a permission (recorded in the audit log). */
export function actingRole(roles: readonly Role[], permission: string): Role {
  const holders = appointmentPermissions.find((p) => p.id === permission)?.roles ?? [];
  const role = roles.find((r) => holders.includes(r));
  if (!role) throw new Error(`no role of this staff member holds ${permission}`);
  return role;
}
