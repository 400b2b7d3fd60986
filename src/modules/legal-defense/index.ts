import type { SanctuaryModule } from '../../core/modules/module.ts';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import so from './locales/so.json' with { type: 'json' };
import hmn from './locales/hmn.json' with { type: 'json' };
import { legalDefenseMigrations } from './migrations/index.ts';
import { legalDefenseClockHandlers } from './legal-defense.assignment.ts';
import { mergeCatalogs, outcomesCatalogs } from './legal-defense.catalogs.ts';
import { legalDefenseClassification } from './legal-defense.classification.ts';
import { legalDefenseSchedules } from './legal-defense.intake.ts';
import { legalDefenseSeedDemo } from './legal-defense.demo.ts';
import { legalDefenseCaseSource } from './legal-defense.disclosure.ts';
import { legalDefenseReportForm } from './legal-defense.form.ts';
import { fundCatalogs } from './legal-defense.fund.catalogs.ts';
import { seedFundDemo } from './legal-defense.fund.demo.ts';
import { legalDefenseFundClassification, legalDefenseFundRetention } from './legal-defense.fund.privacy.ts';
import { registerLegalDefenseFundRoutes } from './legal-defense.fund.routes.tsx';
import { LEGAL_DEFENSE_PERMISSIONS, legalDefensePermissions } from './legal-defense.policy.ts';
import { legalDefenseRetention } from './legal-defense.retention.ts';
import { registerLegalDefenseRoutes } from './legal-defense.routes.tsx';

/**
 * Program 1: legal representation for every detained resident. Family, friends, the person or their
 * attorney report a detention at `/forms/legal-defense-report` (a hotline's system through
 * `POST /api/v1/legal-defense/reports`, queued and filed moments later; staff by phone at
 * `/staff/legal-defense/intake`); the report is
 * merged with earlier ones about the same person, checked for residency (no merits screening), and offered to
 * a provider by a capacity-aware rotation with a conflict check; the provider accepts within the service
 * level or the case moves on; the clock from report to first attorney contact is tracked and escalated.
 * The attorney or program staff close the case when the representation ends; the public sees the program's
 * outcomes at `/legal-defense/outcomes`.
 */
export const legalDefenseModule: SanctuaryModule = {
  id: 'legal-defense',
  migrations: legalDefenseMigrations,
  permissions: legalDefensePermissions,
  catalogs: mergeCatalogs({ en, es, so, hmn }, outcomesCatalogs, fundCatalogs),
  // The fund's tables after the cases: a forgotten case's time entries are deleted before the case.
  classification: [...legalDefenseClassification, ...legalDefenseFundClassification],
  retention: [...legalDefenseRetention, ...legalDefenseFundRetention],
  program: {
    titleKey: 'program.legal-defense.title',
    summaryKey: 'program.legal-defense.summary',
    publicHref: '/forms/legal-defense-report',
    staffHref: [
      { href: '/staff/legal-defense', permission: LEGAL_DEFENSE_PERMISSIONS.read },
      // Desk staff who take reports by phone but do not open cases.
      { href: '/staff/legal-defense/intake', permission: LEGAL_DEFENSE_PERMISSIONS.intake },
    ],
  },
  forms: [legalDefenseReportForm],
  disclosureSources: [legalDefenseCaseSource],
  clockHandlers: legalDefenseClockHandlers,
  // Files what the partner API's intake queue still holds (a restart, a retry now due).
  schedules: legalDefenseSchedules,
  async routes(app, ctx) {
    await registerLegalDefenseRoutes(app, ctx);
    // The fund: sources, contracts, time, invoices, burn, the funder report (legal-defense.fund.routes.tsx).
    await registerLegalDefenseFundRoutes(app, ctx);
  },
  async seedDemo(ctx) {
    await legalDefenseSeedDemo(ctx);
    await seedFundDemo(ctx);
  },
};
