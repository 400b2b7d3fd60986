import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { AuditService } from './core/audit/audit.service.ts';
import { registerAuditRoutes } from './core/audit/audit.routes.tsx';
import { AuditKeyStore } from './core/audit/signing-key.ts';
import { PermissionRegistry } from './core/auth/permissions.ts';
import { coreCatalogSets, coreMigrations, corePermissions } from './core/core-module.ts';
import { type Db, openDatabase } from './core/db/database.ts';
import { collectMigrations, migrateToLatest, type NamedMigrations } from './core/db/migrator.ts';
import { registerCoreRoutes } from './core/http/core-routes.tsx';
import { buildServer } from './core/http/server.tsx';
import { Messages } from './core/i18n/messages.ts';
import { loadJurisdiction } from './core/jurisdiction/index.ts';
import { createLogger } from './core/log.ts';
import type { AppContext } from './core/modules/context.ts';
import type { SanctuaryModule } from './core/modules/module.ts';
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
 * The composition root: builds the services once (database, jurisdiction, messages, permissions, logger),
 * then the HTTP server with core routes and every module's routes.
 */
export async function buildApp(options: BuildAppOptions): Promise<{ app: FastifyInstance; ctx: AppContext; fresh: boolean; close(): Promise<void> }> {
  const { config } = options;
  const modules = options.modules ?? MODULES;
  const log = options.logger ?? createLogger({ level: config.logLevel });
  const ownsDb = !options.db;
  const db = options.db ?? openDatabase(config.database);
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
    const ctx: AppContext = {
      config,
      db,
      jurisdiction: loadJurisdiction(config.jurisdiction),
      messages,
      permissions,
      log,
      now,
      audit: new AuditService({ db, now, signingKeys: () => AuditKeyStore.open(config.auditKeyFile) }),
    };
    const app = await buildServer(ctx, {
      nav: (req) => {
        const staff = req.staff;
        if (!staff) return undefined;
        const nav = [{ href: '/staff', labelKey: 'staff.nav.home' }];
        for (const m of modules) {
          const s = m.program?.staffHref;
          if (s && permissions.allows(staff.roles, s.permission)) nav.push({ href: s.href, labelKey: m.program?.titleKey ?? m.id });
        }
        return { displayName: staff.displayName, roles: staff.roles, nav };
      },
    });
    await registerCoreRoutes(app, ctx, modules);
    await registerAuditRoutes(app, ctx);
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
        if (ownsDb) await db.close();
      },
    };
  } catch (err) {
    if (ownsDb) await db.close();
    throw err;
  }
}
