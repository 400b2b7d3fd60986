import type { PermissionDefinition } from '../auth/permissions.ts';
import type { CatalogSet } from '../i18n/messages.ts';
import en from './locales/demands/en.json' with { type: 'json' };
import es from './locales/demands/es.json' with { type: 'json' };
import hmn from './locales/demands/hmn.json' with { type: 'json' };
import so from './locales/demands/so.json' with { type: 'json' };

export { demandMigrations } from './demands.migrations.ts';
export { registerDemandRoutes } from './demands.routes.tsx';
export { registerTransparencyRoutes } from './transparency.routes.tsx';
export { isValidCourtOrderDemand } from './demands.service.ts';

/** Catalogs of the demand gate and the public transparency report. */
export const demandCatalogs: CatalogSet = { en, es, so, hmn };

/**
 * Who may do what at the gate. Registering is open to the front desk; reading the register to counsel and
 * administrators; deciding to counsel; approving needs counsel plus a second person (counsel or admin);
 * downloading a disclosure is counsel's alone.
 */
export const demandPermissions: PermissionDefinition[] = [
  { id: 'core.demands.register', descriptionKey: 'permission.core.demands.register', roles: ['office-staff', 'counsel', 'admin'] },
  { id: 'core.demands.read', descriptionKey: 'permission.core.demands.read', roles: ['counsel', 'admin'] },
  { id: 'core.demands.review', descriptionKey: 'permission.core.demands.review', roles: ['counsel'] },
  { id: 'core.demands.approve', descriptionKey: 'permission.core.demands.approve', roles: ['counsel', 'admin'] },
  { id: 'core.demands.disclose', descriptionKey: 'permission.core.demands.disclose', roles: ['counsel'] },
];
export { demandsClassification } from './demands.classification.ts';
