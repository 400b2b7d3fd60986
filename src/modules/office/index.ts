import type { SanctuaryModule } from '../../core/modules/module.ts';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import so from './locales/so.json' with { type: 'json' };
import hmn from './locales/hmn.json' with { type: 'json' };
import { officeMigrations } from './migrations/index.ts';
import { officeClassification } from './office.classification.ts';
import { officeRequestSource } from './office.disclosure.ts';
import { officeRetention } from './office.retention.ts';
import { seedOfficeDemo } from './office.demo.ts';
import { officeHelpForm } from './office.form.ts';
import { OFFICE_PERMISSIONS, officePermissions } from './office.policy.ts';
import { registerOfficeRoutes } from './office.routes.tsx';

/**
 * Program 13: the Office for Immigrant and Refugee Relationships — the hub residents can always turn to.
 * Residents ask for help through the public form `/forms/office-help`; staff work the requests at
 * `/staff/office/requests`.
 */
export const officeModule: SanctuaryModule = {
  id: 'office',
  migrations: officeMigrations,
  permissions: officePermissions,
  catalogs: { en, es, so, hmn },
  classification: officeClassification,
  retention: officeRetention,
  program: {
    titleKey: 'program.office.title',
    summaryKey: 'program.office.summary',
    publicHref: '/forms/office-help',
    staffHref: { href: '/staff/office/requests', permission: OFFICE_PERMISSIONS.read },
  },
  forms: [officeHelpForm],
  disclosureSources: [officeRequestSource],
  routes: registerOfficeRoutes,
  seedDemo: seedOfficeDemo,
};
