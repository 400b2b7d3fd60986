/**
 * Roles and the permission registry. Core and modules declare permissions with the roles that hold them;
 * a route names one permission (or says it is public) and the guard checks it. Nothing is allowed unless a
 * permission grants it.
 */
export const ROLES = [
  'admin',
  'counsel',
  'office-staff',
  'program-staff',
  'partner-attorney',
  'certifying-official',
  /** Reviews certifying officials' work (denials, escalations of overdue U/T-visa certifications). */
  'certifying-supervisor',
  /** Runs detention defense: hotline intake, eligibility, provider assignment (legal-defense module). */
  'legal-defense-staff',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Roles whose accounts must use a passkey and get the short idle timeout (R1, R8). */
export const HIGH_ASSURANCE_ROLES: readonly Role[] = ['admin', 'counsel'];

export interface PermissionDefinition {
  /** `<module>.<resource>.<verb>`, e.g. `office.requests.read`. */
  id: string;
  /** Message key that explains the permission to an administrator. */
  descriptionKey: string;
  roles: readonly Role[];
}

/** `<area>.<resource>.<verb>`: two to four lower-case, dash-separated parts. */
function isPermissionId(id: string): boolean {
  const parts = id.split('.');
  return parts.length >= 2 && parts.length <= 4 && parts.every((p) => /^[a-z][a-z0-9-]*$/.test(p));
}

export class PermissionRegistry {
  private readonly byId = new Map<string, PermissionDefinition>();

  register(definitions: readonly PermissionDefinition[], owner: string): void {
    for (const d of definitions) {
      if (!isPermissionId(d.id)) throw new Error(`Permission id "${d.id}" (${owner}) is malformed`);
      if (this.byId.has(d.id)) throw new Error(`Permission "${d.id}" (${owner}) is declared twice`);
      this.byId.set(d.id, d);
    }
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** True when any of the roles holds the permission. */
  allows(roles: readonly Role[], permission: string): boolean {
    const d = this.byId.get(permission);
    return d !== undefined && roles.some((r) => d.roles.includes(r));
  }

  list(): PermissionDefinition[] {
    return [...this.byId.values()];
  }
}

/** What a route requires: nothing (`public`), any signed-in staff member, or one permission. */
export type Access = 'public' | 'staff' | { permission: string };
