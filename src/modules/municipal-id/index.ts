import type { CatalogSet } from '../../core/i18n/messages.ts';
import type { SanctuaryModule } from '../../core/modules/module.ts';
import { applicationClassification } from './application/application.classification.ts';
import { applicationForm } from './application/application.form.ts';
import { applicationPermissions } from './application/application.policy.ts';
import { applicationRetention } from './application/application.retention.ts';
import { registerApplicationRoutes } from './application/application.routes.tsx';
import { registerBookingRoutes } from './application/booking.routes.tsx';
import { credentialClassification } from './credential/credential.classification.ts';
import applicationEn from './locales/application/en.json' with { type: 'json' };
import applicationEs from './locales/application/es.json' with { type: 'json' };
import applicationHmn from './locales/application/hmn.json' with { type: 'json' };
import applicationSo from './locales/application/so.json' with { type: 'json' };
import credentialEn from './locales/credential/en.json' with { type: 'json' };
import credentialEs from './locales/credential/es.json' with { type: 'json' };
import credentialHmn from './locales/credential/hmn.json' with { type: 'json' };
import credentialSo from './locales/credential/so.json' with { type: 'json' };
import { applicationMigrations } from './migrations/application.ts';
import { credentialMigrations } from './migrations/credential.ts';
import { residencyClassification } from './residency/residency.classification.ts';
import { registerVerifyRoutes } from './verify/verify.routes.tsx';

/**
 * Merges the catalogs of the module's parts (each part keeps its own `locales/<part>/{en,es,so,hmn}.json`).
 * A key declared by two parts is a mistake: the app refuses to start (`Messages`).
 */
function mergeCatalogs(...sets: CatalogSet[]): CatalogSet {
  const merged: CatalogSet = { en: {}, es: {}, so: {}, hmn: {} };
  for (const set of sets) {
    for (const locale of Object.keys(merged) as Array<keyof CatalogSet>) {
      const target = merged[locale];
      for (const [key, value] of Object.entries(set[locale])) {
        if (key.startsWith('$')) {
          target[key] ??= value;
          continue;
        }
        if (key in target) throw new Error(`municipal-id: message key "${key}" is declared by two parts (${locale})`);
        target[key] = value;
      }
    }
  }
  return merged;
}

/**
 * Program 2: the municipal ID — application, residency, enrolment, the card, and its offline-verifiable
 * credential (credential/: issuing, keys, revocation; verify/: `/verify`, `POST /api/v1/verify`, the published
 * keys and revocation lists — see docs/municipal-id-credential.md).
 */
export const municipalIdModule: SanctuaryModule = {
  id: 'municipal-id',
  migrations: { ...applicationMigrations, ...credentialMigrations },
  permissions: [...applicationPermissions],
  catalogs: mergeCatalogs(
    { en: applicationEn, es: applicationEs, so: applicationSo, hmn: applicationHmn },
    { en: credentialEn, es: credentialEs, so: credentialSo, hmn: credentialHmn },
  ),
  classification: [...applicationClassification, ...residencyClassification, ...credentialClassification],
  retention: [...applicationRetention],
  program: {
    titleKey: 'program.municipal-id.title',
    summaryKey: 'program.municipal-id.summary',
    // Residents start at the application form (application/application.form.ts).
    publicHref: '/forms/municipal-id',
  },
  forms: [applicationForm],
  async routes(app, ctx) {
    await registerApplicationRoutes(app, ctx);
    await registerBookingRoutes(app, ctx);
    await registerVerifyRoutes(app, ctx);
  },
};
