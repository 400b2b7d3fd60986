import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { AuditService } from './core/audit/audit.service.ts';
import { registerAuditRoutes } from './core/audit/audit.routes.tsx';
import { AuditKeyStore } from './core/audit/signing-key.ts';
import { PermissionRegistry } from './core/auth/permissions.ts';
import { coreCatalogSets, coreClassifications, coreMigrations, corePermissions, coreRetentionPolicies, coreSchedules } from './core/core-module.ts';
import { RetentionRegistry } from './core/privacy/retention.ts';
import { RetentionService } from './core/privacy/retention.service.ts';
import { isValidCourtOrderDemand } from './core/privacy/demands.service.ts';
import { staffNames } from './core/privacy/demands.repo.ts';
import { JobQueue } from './core/jobs/job-queue.ts';
import { backupSchedule } from './core/backup/backup.jobs.ts';
import { ClockService } from './core/clocks/clocks.service.ts';
import { type Db, openDatabase } from './core/db/database.ts';
import { FormRegistry } from './core/forms/form-registry.ts';
import { registerFormRoutes } from './core/forms/forms.routes.tsx';
import { collectMigrations, migrateToLatest, type NamedMigrations } from './core/db/migrator.ts';
import { registerAuthRoutes } from './core/auth/auth.routes.tsx';
import { registerSessionHook } from './core/auth/session-hook.ts';
import { registerApiTokenHook } from './core/auth/api-tokens.ts';
import { registerCoreRoutes } from './core/http/core-routes.tsx';
import { buildServer } from './core/http/server.tsx';
import { Messages } from './core/i18n/messages.ts';
import { createNotifier } from './core/notify/notifier.ts';
import { registerDemandRoutes, registerTransparencyRoutes } from './core/privacy/demands.part.ts';
import { type Vault, openVault } from './core/crypto/vault.ts';
import { ClassificationRegistry } from './core/privacy/classification.ts';
import { loadJurisdiction } from './core/jurisdiction/index.ts';
import { createLogger } from './core/log.ts';
import type { AppContext } from './core/modules/context.ts';
import { type SanctuaryModule, staffDoorFor } from './core/modules/module.ts';
import { PdfPrinter } from './core/pdf/pdf-printer.ts';
import { MODULES } from './modules/index.ts';

export interface BuildAppOptions {
  config: Config;
  /** An already open database (tests share one); otherwise opened from the config. */
  db?: Db;
  logger?: Logger;
  now?: () => Date;
  modules?: readonly SanctuaryModule[];
  /** Apply pending migrations before serving (default true). */
  migrate?: boolean;
}

/** Every migration of core and the given modules, in one timestamp order. */
export function allMigrations(modules: readonly SanctuaryModule[] = MODULES): NamedMigrations {
  return collectMigrations([
    { owner: 'core', migrations: coreMigrations },
    ...modules.map((m) => ({ owner: m.id, migrations: m.migrations ?? {} })),
  ]);
}

/**
 * The data classification of core and the given modules. Throws `ClassificationError` on an invalid
 * declaration or a forbidden field without a written legal need, so such a build does not start.
 */
export function classificationRegistry(modules: readonly SanctuaryModule[] = MODULES): ClassificationRegistry {
  const registry = new ClassificationRegistry();
  for (const c of coreClassifications) registry.register(c.owner, c.tables);
  for (const m of modules) registry.register(m.id, m.classification ?? []);
  return registry;
}

/**
 * The composition root: builds the services once (database, jurisdiction, messages, permissions, logger),
 * then the HTTP server with core routes and every module's routes.
 */
export async function buildApp(options: BuildAppOptions): Promise<{ app: FastifyInstance; ctx: AppContext; fresh: boolean; close(): Promise<void> }> {
  const { config } = options;
  const modules = options.modules ?? MODULES;
  const log = options.logger ?? createLogger({ level: config.logLevel });
  const ownsDb = !options.db;
  const db = options.db ?? openDatabase(config.database, { onConnectionError: (err) => log.warn({ errorCode: (err as Error & { code?: string }).code }, 'database connection closed by the server') });
  let vault: Vault | undefined;
  try {
    const migrations = allMigrations(modules);
    const applied = options.migrate === false ? [] : await migrateToLatest(db, migrations);
    // A database is new when this start applied its very first migration.
    const fresh = applied.length > 0 && applied[0] === Object.keys(migrations)[0];
    const permissions = new PermissionRegistry();
    permissions.register(corePermissions, 'core');
    for (const m of modules) permissions.register(m.permissions ?? [], m.id);
    const messages = new Messages([
      ...coreCatalogSets,
      ...modules.map((m) => ({ owner: m.id, catalogs: m.catalogs })),
    ]);
    const now = options.now ?? (() => new Date());
    vault = await openVault(config, { db, now });
    for (const t of classificationRegistry(modules).tables('main')) {
      if (t.subjectColumn) vault.subjectRows.register({ table: t.table, subjectColumn: t.subjectColumn, program: t.program, owner: t.owner });
    }
    const audit = new AuditService({ db, now, signingKeys: () => AuditKeyStore.open(config.auditKeyFile), staffNames: (ids) => staffNames(db.kysely, ids) });
    const retentionPolicies = new RetentionRegistry();
    retentionPolicies.register(coreRetentionPolicies, 'core');
    for (const m of modules) retentionPolicies.register(m.retention ?? [], m.id);
    const openedVault = vault;
    const ctx: AppContext = {
      config,
      db,
      jurisdiction: loadJurisdiction(config.jurisdiction),
      messages,
      permissions,
      log,
      now,
      audit,
      jobs: new JobQueue({ db, now, timezone: loadJurisdiction(config.jurisdiction).locale.timezone.value }),
      retention: new RetentionService({
        db,
        now,
        audit,
        registry: retentionPolicies,
        forgetSubjects: (tx, ids) => openedVault.forgetSubjects(tx, ids),
        verifyCourtOrder: isValidCourtOrderDemand,
      }),
      vault,
      keys: vault.provider,
      notifier: createNotifier({ config, db, messages, sealer: vault, log, now, jurisdiction: loadJurisdiction(config.jurisdiction) }),
      forms: new FormRegistry(),
      clocks: new ClockService({ db, now, jurisdiction: loadJurisdiction(config.jurisdiction), log, vault }),
      pdf: new PdfPrinter({ chromiumPath: config.chromiumPath }),
    };
    // Each module's clock handlers, keyed by its id (the `owner` of the clocks it starts).
    for (const m of modules) if (m.clockHandlers) ctx.clocks.registerHandler(m.id, m.clockHandlers);
    // Every form is checked against the catalogs now: a broken form stops the start, not a resident.
    ctx.forms.registerAll(modules.map((m) => ({ owner: m.id, forms: m.forms ?? [] })), ctx);
    // Jobs and schedules of core, then of each module; a bad cron pattern or a duplicate name stops the start.
    ctx.jobs.registerAll({ schedules: coreSchedules });
    if (config.backup.schedule) ctx.jobs.schedule(backupSchedule(config.backup.schedule));
    for (const m of modules) ctx.jobs.registerAll({ jobs: m.jobs, schedules: m.schedules });
    const app = await buildServer(ctx, {
      nav: (req) => {
        const staff = req.staff;
        if (!staff) return undefined;
        const nav = [{ href: '/staff', labelKey: 'staff.nav.home' }];
        for (const m of modules) {
          const door = staffDoorFor(m.program, (permission) => permissions.allows(staff.roles, permission));
          if (door) nav.push({ href: door.href, labelKey: m.program?.titleKey ?? m.id });
        }
        if (permissions.allows(staff.roles, 'core.users.manage')) nav.push({ href: '/staff/users', labelKey: 'auth.nav.users' });
        if (permissions.allows(staff.roles, 'core.demands.read')) nav.push({ href: '/staff/demands', labelKey: 'demands.nav' });
        return { displayName: staff.displayName, roles: staff.roles, nav };
      },
    });
    // The printer's browser (if one was launched) closes with the server.
    app.addHook('onClose', async () => ctx.pdf.close());
    // Sessions load before any route's guard runs (it reads req.staff).
    registerSessionHook(app, ctx);
    // Partner systems calling /api/ with a scoped bearer token (after the session: a session wins).
    registerApiTokenHook(app, ctx);
    await registerCoreRoutes(app, ctx, modules);
    await registerAuthRoutes(app, ctx);
    await registerAuditRoutes(app, ctx);
    await registerFormRoutes(app, ctx);
    await registerDemandRoutes(app, ctx, modules);
    await registerTransparencyRoutes(app, ctx);
    for (const m of modules) {
      if (m.routes) await app.register(async (scope) => m.routes?.(scope, ctx));
    }
    await app.ready();
    return {
      app,
      ctx,
      fresh,
      close: async () => {
        await app.close();
        await vault?.close();
        if (ownsDb) await db.close();
      },
    };
  } catch (err) {
    await vault?.close();
    if (ownsDb) await db.close();
    throw err;
  }
}
