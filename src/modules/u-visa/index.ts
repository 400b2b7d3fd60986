import type { SanctuaryModule } from '../../core/modules/module.ts';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import so from './locales/so.json' with { type: 'json' };
import hmn from './locales/hmn.json' with { type: 'json' };
import { uVisaMigrations } from './migrations/index.ts';
import { uVisaClassification } from './u-visa.classification.ts';
import { uVisaClockHandlers } from './u-visa.clocks.ts';
import { warnRequester } from './u-visa.decisions.ts';
import { uVisaSeedDemo } from './u-visa.demo.ts';
import { uVisaRequestSource } from './u-visa.disclosure.ts';
import { uVisaRequestForm } from './u-visa.form.ts';
import { uVisaJobs, uVisaSchedules } from './u-visa.jobs.ts';
import { U_VISA_PERMISSIONS, uVisaPermissions } from './u-visa.policy.ts';
import { uVisaRetention } from './u-visa.retention.ts';
import { registerUVisaRoutes } from './u-visa.routes.tsx';

/**
 * Program 6: U and T visa certification, within 7 days for people in removal proceedings. Victims and their
 * representatives ask through `/forms/u-visa-request` (or an attorney's system through
 * `POST /api/v1/u-visa/requests`); certifying officials work the queue at `/staff/u-visa`; the public sees the
 * turnaround figures at `/u-visa/figures`.
 */
export const uVisaModule: SanctuaryModule = {
  id: 'u-visa',
  migrations: uVisaMigrations,
  permissions: uVisaPermissions,
  catalogs: { en, es, so, hmn },
  classification: uVisaClassification,
  retention: uVisaRetention,
  program: {
    titleKey: 'program.u-visa.title',
    summaryKey: 'program.u-visa.summary',
    publicHref: '/forms/u-visa-request',
    staffHref: [
      { href: '/staff/u-visa', permission: U_VISA_PERMISSIONS.read },
      // Desk staff who enter requests by phone but do not open them.
      { href: '/staff/u-visa/new', permission: U_VISA_PERMISSIONS.create },
    ],
  },
  forms: [uVisaRequestForm],
  disclosureSources: [uVisaRequestSource],
  jobs: uVisaJobs,
  schedules: uVisaSchedules,
  clockHandlers: uVisaClockHandlers(warnRequester),
  routes: registerUVisaRoutes,
  seedDemo: uVisaSeedDemo,
};
