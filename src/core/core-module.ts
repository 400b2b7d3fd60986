import type { PermissionDefinition } from './auth/permissions.ts';
import type { NamedMigrations } from './db/migrator.ts';
import type { CatalogSet } from './i18n/messages.ts';
import { notifyCatalogs, notifyClassification, notifyMigrations } from './notify/notify.part.ts';
import { demandCatalogs, demandMigrations, demandPermissions, demandsClassification } from './privacy/demands.part.ts';
import en from './i18n/locales/en.json' with { type: 'json' };
import es from './i18n/locales/es.json' with { type: 'json' };
import so from './i18n/locales/so.json' with { type: 'json' };
import hmn from './i18n/locales/hmn.json' with { type: 'json' };
import { auditClassification } from './audit/audit.classification.ts';
import { auditMigrations } from './audit/audit.migrations.ts';
import { auditSchedules } from './audit/audit.jobs.ts';
import { clocksCatalogs, clocksClassification, clocksMigrations, clocksSchedules } from './clocks/clocks.part.ts';
import { formsSchedules } from './jobs/core-schedules.ts';
import { notifySchedules } from './notify/notify.jobs.ts';
import { demandSchedules } from './privacy/demands.jobs.ts';
import type { ScheduleDefinition } from './jobs/job-queue.ts';
import { jobsClassification } from './jobs/jobs.classification.ts';
import { jobsMigrations } from './jobs/jobs.migrations.ts';
import { jobsRetention } from './jobs/jobs.retention.ts';
import type { RetentionPolicy } from './privacy/retention.ts';
import { retentionClassification } from './privacy/retention.classification.ts';
import { retentionSchedules } from './privacy/retention.jobs.ts';
import { retentionMigrations } from './privacy/retention.migrations.ts';
import retentionEn from './privacy/locales/retention/en.json' with { type: 'json' };
import retentionEs from './privacy/locales/retention/es.json' with { type: 'json' };
import retentionSo from './privacy/locales/retention/so.json' with { type: 'json' };
import retentionHmn from './privacy/locales/retention/hmn.json' with { type: 'json' };
import auditEn from './audit/locales/en.json' with { type: 'json' };
import auditEs from './audit/locales/es.json' with { type: 'json' };
import auditSo from './audit/locales/so.json' with { type: 'json' };
import auditHmn from './audit/locales/hmn.json' with { type: 'json' };
import { vaultClassification } from './crypto/vault.classification.ts';
import { vaultMigrations } from './crypto/vault.migrations.ts';
import type { TableDeclaration } from './privacy/classification.ts';
import { migratorClassification } from './privacy/classification-core.ts';
import { formsCatalogs } from './forms/forms.catalogs.ts';
import { formsClassification } from './forms/forms.classification.ts';
import { formsMigrations } from './forms/forms.migrations.ts';
import { authClassification } from './auth/auth.classification.ts';
import { apiTokenClassification, apiTokenMigrations } from './auth/api-tokens.ts';
import { authSchedules } from './auth/auth.jobs.ts';
import { authMigrations } from './auth/auth.migrations.ts';
import authEn from './auth/locales/en.json' with { type: 'json' };
import authEs from './auth/locales/es.json' with { type: 'json' };
import authSo from './auth/locales/so.json' with { type: 'json' };
import authHmn from './auth/locales/hmn.json' with { type: 'json' };

/**
 * What core brings to the platform, gathered from its parts. Each part of core (auth, forms, audit, …)
 * keeps its own migrations, permissions and catalog files beside its code and is listed here once.
 */

/** Message keys of the core layout catalog (typed from the English catalog). */
export type CoreMessageKey = keyof typeof en;

/** Catalog sets of every part of core; merged into one `Messages`. */
export const coreCatalogSets: Array<{ owner: string; catalogs: CatalogSet }> = [
  { owner: 'core', catalogs: { en, es, so, hmn } },
  { owner: 'core/audit', catalogs: { en: auditEn, es: auditEs, so: auditSo, hmn: auditHmn } },
  { owner: 'core/forms', catalogs: formsCatalogs },
  { owner: 'core/retention', catalogs: { en: retentionEn, es: retentionEs, so: retentionSo, hmn: retentionHmn } },
  { owner: 'core/notify', catalogs: notifyCatalogs },
  { owner: 'core/privacy-demands', catalogs: demandCatalogs },
  { owner: 'core/auth', catalogs: { en: authEn, es: authEs, so: authSo, hmn: authHmn } },
  { owner: 'core/clocks', catalogs: clocksCatalogs },
];

/** Migrations of the core services (names carry a timestamp, so order across parts is stable). */
export const coreMigrations: NamedMigrations = {
  ...auditMigrations,
  ...jobsMigrations,
  ...retentionMigrations,
  ...notifyMigrations,
  ...demandMigrations,
  ...vaultMigrations,
  ...formsMigrations,
  ...authMigrations,
  ...apiTokenMigrations,
  ...clocksMigrations,
};

/** Permissions that belong to core (administration, audit, privacy). */
export const corePermissions: PermissionDefinition[] = [
  { id: 'core.users.manage', descriptionKey: 'permission.core.users.manage', roles: ['admin'] },
  { id: 'core.audit.read', descriptionKey: 'permission.core.audit.read', roles: ['counsel', 'admin'] },
  ...demandPermissions,
];

/**
 * Data classification of core's tables (`core/privacy/classification.ts`): each part of core declares its
 * own tables beside its migrations and is listed here once.
 */
export const coreClassifications: Array<{ owner: string; tables: readonly TableDeclaration[] }> = [
  { owner: 'core/db', tables: migratorClassification },
  { owner: 'core/audit', tables: auditClassification },
  { owner: 'core/jobs', tables: jobsClassification },
  { owner: 'core/retention', tables: retentionClassification },
  { owner: 'core/notify', tables: notifyClassification },
  { owner: 'core/privacy-demands', tables: demandsClassification },
  { owner: 'core/vault', tables: vaultClassification },
  { owner: 'core/forms', tables: formsClassification },
  { owner: 'core/auth', tables: authClassification },
  { owner: 'core/api-tokens', tables: apiTokenClassification },
  { owner: 'core/clocks', tables: clocksClassification },
];

/**
 * Recurring jobs of core's parts (`core/jobs`): `app.ts` registers them with `ctx.jobs`, then each module's.
 * Every instance's worker enqueues each due run; the queue makes it run once.
 */
export const coreSchedules: ScheduleDefinition[] = [...auditSchedules, ...retentionSchedules, ...authSchedules, ...formsSchedules, ...notifySchedules, ...demandSchedules, ...clocksSchedules];

/** Retention policies of core's own records (`core/privacy/retention.ts`); modules add theirs in `retention`. */
export const coreRetentionPolicies: RetentionPolicy[] = [...jobsRetention];
