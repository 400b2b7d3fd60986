/**
 * Who may do what with U/T-visa certification requests. Certifying officials decide and sign; their
 * supervisor reviews denials and receives escalations; program staff prepare the file (routing, case facts,
 * requests for information) and take requests by phone; Office staff take requests at the front desk. No
 * one else — administrators included — opens a victim's request. Partner attorneys file through the API
 * with a scoped token and see only the status of what they filed.
 */
import type { PermissionDefinition, Role } from '../../core/auth/permissions.ts';

export const U_VISA_PERMISSIONS = {
  /** See the queue and open a request (decrypts; audited). */
  read: 'u-visa.requests.read',
  /** Enter a request on someone's behalf (phone, front desk, mail). */
  create: 'u-visa.requests.create',
  /** Route, record case facts, ask for information, delay for good cause, edit Supplement B, add family members. */
  prepare: 'u-visa.requests.prepare',
  /** Certify and sign, or propose a denial. */
  decide: 'u-visa.requests.decide',
  /** Confirm or return a proposed denial. */
  review: 'u-visa.requests.review',
  /** Find requests by A-number (blind index; audited). */
  search: 'u-visa.requests.search',
  /** File a request through the API and read its status (a partner token's scope). */
  file: 'u-visa.api.file',
} as const;

export const uVisaPermissions: readonly PermissionDefinition[] = [
  { id: U_VISA_PERMISSIONS.read, descriptionKey: 'permission.u-visa.requests.read', roles: ['certifying-official', 'certifying-supervisor', 'program-staff'] },
  { id: U_VISA_PERMISSIONS.create, descriptionKey: 'permission.u-visa.requests.create', roles: ['certifying-official', 'certifying-supervisor', 'program-staff', 'office-staff'] },
  { id: U_VISA_PERMISSIONS.prepare, descriptionKey: 'permission.u-visa.requests.prepare', roles: ['certifying-official', 'certifying-supervisor', 'program-staff'] },
  { id: U_VISA_PERMISSIONS.decide, descriptionKey: 'permission.u-visa.requests.decide', roles: ['certifying-official'] },
  { id: U_VISA_PERMISSIONS.review, descriptionKey: 'permission.u-visa.requests.review', roles: ['certifying-supervisor'] },
  { id: U_VISA_PERMISSIONS.search, descriptionKey: 'permission.u-visa.requests.search', roles: ['certifying-official', 'certifying-supervisor'] },
  { id: U_VISA_PERMISSIONS.file, descriptionKey: 'permission.u-visa.api.file', roles: ['partner-attorney'] },
];

/** The role a staff member acts in for a permission (recorded in the audit log). */
export function actingRole(roles: readonly Role[], permission: string): Role {
  const holders = uVisaPermissions.find((p) => p.id === permission)?.roles ?? [];
  const role = roles.find((r) => holders.includes(r));
  if (!role) throw new Error(`no role of this staff member holds ${permission}`);
  return role;
}
