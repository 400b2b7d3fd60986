/**
 * Who may do what in the detention defense program. Legal-defense staff take reports by phone, record
 * eligibility, assign providers and manage the provider roster; Office staff may take a report at the front
 * desk. Partner attorneys see only the cases offered to or accepted by their own provider organisation (the
 * service checks the link for every case) and a partner's system files reports through the API with a scoped
 * token. The A-number and the detention location are restricted fields: a separate permission, and every
 * read is audited. No one else — administrators included — opens a case.
 */
import type { PermissionDefinition, Role } from '../../core/auth/permissions.ts';

export const LEGAL_DEFENSE_PERMISSIONS = {
  /** See the program queue and open a case (decrypts; audited). */
  read: 'legal-defense.cases.read',
  /** Take a report by phone or at the desk. */
  intake: 'legal-defense.cases.intake',
  /** Record eligibility, offer to a provider, close. */
  decide: 'legal-defense.cases.decide',
  /** Read the A-number and detention location (audited; attorneys only on their provider's cases). */
  restricted: 'legal-defense.restricted.read',
  /** Add and change providers, their attorneys and their parties. */
  providers: 'legal-defense.providers.manage',
  /** A provider's attorney: the assigned cases, accept or decline, record the first contact. */
  assigned: 'legal-defense.assigned.work',
  /** File a report through the API (a partner token's scope). */
  report: 'legal-defense.api.report',
  /** The fund: sources, contracts, invoices, budget burn and the funder report (no case is opened). */
  fundRead: 'legal-defense.fund.read',
  /** Add sources and contracts; approve, reject and pay invoices; enter time and prepare invoices for a provider. */
  fundManage: 'legal-defense.fund.manage',
  /** A provider's attorney: time on their provider's accepted cases; prepare and submit its invoices (never approve). */
  fundBill: 'legal-defense.fund.bill',
} as const;

export const legalDefensePermissions: readonly PermissionDefinition[] = [
  { id: LEGAL_DEFENSE_PERMISSIONS.read, descriptionKey: 'permission.legal-defense.cases.read', roles: ['legal-defense-staff'] },
  { id: LEGAL_DEFENSE_PERMISSIONS.intake, descriptionKey: 'permission.legal-defense.cases.intake', roles: ['legal-defense-staff', 'office-staff'] },
  { id: LEGAL_DEFENSE_PERMISSIONS.decide, descriptionKey: 'permission.legal-defense.cases.decide', roles: ['legal-defense-staff'] },
  { id: LEGAL_DEFENSE_PERMISSIONS.restricted, descriptionKey: 'permission.legal-defense.restricted.read', roles: ['legal-defense-staff', 'partner-attorney'] },
  { id: LEGAL_DEFENSE_PERMISSIONS.providers, descriptionKey: 'permission.legal-defense.providers.manage', roles: ['legal-defense-staff'] },
  { id: LEGAL_DEFENSE_PERMISSIONS.assigned, descriptionKey: 'permission.legal-defense.assigned.work', roles: ['partner-attorney'] },
  { id: LEGAL_DEFENSE_PERMISSIONS.report, descriptionKey: 'permission.legal-defense.api.report', roles: ['partner-attorney', 'legal-defense-staff'] },
  { id: LEGAL_DEFENSE_PERMISSIONS.fundRead, descriptionKey: 'permission.legal-defense.fund.read', roles: ['legal-defense-staff'] },
  { id: LEGAL_DEFENSE_PERMISSIONS.fundManage, descriptionKey: 'permission.legal-defense.fund.manage', roles: ['legal-defense-staff'] },
  { id: LEGAL_DEFENSE_PERMISSIONS.fundBill, descriptionKey: 'permission.legal-defense.fund.bill', roles: ['partner-attorney'] },
];

/** The role a staff member acts in for a permission (recorded in the audit log). */
export function actingRole(roles: readonly Role[], permission: string): Role {
  const holders = legalDefensePermissions.find((p) => p.id === permission)?.roles ?? [];
  const role = roles.find((r) => holders.includes(r));
  if (!role) throw new Error(`no role of this staff member holds ${permission}`);
  return role;
}
