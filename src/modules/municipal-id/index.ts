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
import { cardClassification } from './card/card.classification.ts';
import { cardRetention } from './card/card.retention.ts';
import { registerCardRoutes } from './card/card.routes.tsx';
import { enrolmentClassification } from './enrolment/enrolment.classification.ts';
import { MUNICIPAL_ID_PERMISSIONS, municipalIdStaffPermissions } from './enrolment/enrolment.policy.ts';
import { registerEnrolmentRoutes } from './enrolment/enrolment.routes.tsx';
import cardEn from './locales/card/en.json' with { type: 'json' };
import cardEs from './locales/card/es.json' with { type: 'json' };
import cardHmn from './locales/card/hmn.json' with { type: 'json' };
import cardSo from './locales/card/so.json' with { type: 'json' };
import enrolmentEn from './locales/enrolment/en.json' with { type: 'json' };
import enrolmentEs from './locales/enrolment/es.json' with { type: 'json' };
import enrolmentHmn from './locales/enrolment/hmn.json' with { type: 'json' };
import enrolmentSo from './locales/enrolment/so.json' with { type: 'json' };
import staffEn from './locales/staff/en.json' with { type: 'json' };
import staffEs from './locales/staff/es.json' with { type: 'json' };
import staffHmn from './locales/staff/hmn.json' with { type: 'json' };
import staffSo from './locales/staff/so.json' with { type: 'json' };
import { cardMigrations } from './migrations/card.ts';
import { enrolmentMigrations } from './migrations/enrolment.ts';
import { seedApplicationDemo } from './application/application.demo.ts';
import { seedCardDemo } from './card/card.demo.ts';
import { registerStaffRoutes } from './staff/staff.routes.tsx';

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
  migrations: { ...applicationMigrations, ...credentialMigrations, ...enrolmentMigrations, ...cardMigrations },
  permissions: [...applicationPermissions, ...municipalIdStaffPermissions],
  catalogs: mergeCatalogs(
    { en: applicationEn, es: applicationEs, so: applicationSo, hmn: applicationHmn },
    { en: credentialEn, es: credentialEs, so: credentialSo, hmn: credentialHmn },
    { en: enrolmentEn, es: enrolmentEs, so: enrolmentSo, hmn: enrolmentHmn },
    { en: cardEn, es: cardEs, so: cardSo, hmn: cardHmn },
    { en: staffEn, es: staffEs, so: staffSo, hmn: staffHmn },
  ),
  // Parents before children: a forgotten subject's rows are deleted in reverse order (cards before holders).
  classification: [...applicationClassification, ...residencyClassification, ...credentialClassification, ...enrolmentClassification, ...cardClassification],
  retention: [...applicationRetention, ...cardRetention],
  program: {
    titleKey: 'program.municipal-id.title',
    summaryKey: 'program.municipal-id.summary',
    // Residents start at the application form (application/application.form.ts).
    publicHref: '/forms/municipal-id',
    // Staff start at the enrolment desk (staff/): today's appointments, approvals, the print queue.
    staffHref: { href: '/staff/municipal-id', permission: MUNICIPAL_ID_PERMISSIONS.enrol },
  },
  forms: [applicationForm],
  async routes(app, ctx) {
    await registerApplicationRoutes(app, ctx);
    await registerBookingRoutes(app, ctx);
    await registerVerifyRoutes(app, ctx);
    await registerEnrolmentRoutes(app, ctx);
    await registerCardRoutes(app, ctx);
    await registerStaffRoutes(app, ctx);
  },
  async seedDemo(ctx) {
    await seedCardDemo(ctx);
    // Applications waiting at the desk (demo databases only): the desk's application page has records to open.
    await seedApplicationDemo(ctx);
  },
};
