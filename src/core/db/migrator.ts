import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import type { Db } from './database.ts';

/** A migration as modules declare it: the name sorts by its leading timestamp (`YYYYMMDDHHMM_…`). */
export type NamedMigrations = Record<string, Migration>;

export interface MigrationPlanItem {
  name: string;
  status: 'applied' | 'pending';
}

const NAME = /^\d{12}_[a-z0-9_]+$/;

/**
 * Merges the migrations of core and every module into one timestamp-ordered set. Names must be unique
 * and start with a 12-digit timestamp, so that modules developed apart still apply in a stable order.
 */
export function collectMigrations(sets: Array<{ owner: string; migrations: NamedMigrations }>): NamedMigrations {
  const all: NamedMigrations = {};
  for (const { owner, migrations } of sets) {
    for (const [name, migration] of Object.entries(migrations)) {
      if (!NAME.test(name)) throw new Error(`Migration "${name}" of ${owner} must be named YYYYMMDDHHMM_snake_case`);
      if (Object.hasOwn(all, name)) throw new Error(`Migration "${name}" is declared twice (${owner})`);
      all[name] = migration;
    }
  }
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
}

function migratorFor(db: Db, migrations: NamedMigrations): Migrator {
  return new Migrator({
    // The migrator works below the typed schema.
    db: db.kysely as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migration_lock',
  });
}

/**
 * Applies every pending migration. Kysely's migrator holds a lock row (`SELECT … FOR UPDATE` on
 * PostgreSQL, a write transaction on SQLite), so several instances starting together apply each
 * migration exactly once.
 */
export async function migrateToLatest(db: Db, migrations: NamedMigrations): Promise<string[]> {
  const { error, results } = await migratorFor(db, migrations).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Lists every known migration and whether it has been applied (for `sanctuary migrate --dry-run`). */
export async function migrationPlan(db: Db, migrations: NamedMigrations): Promise<MigrationPlanItem[]> {
  const info = await migratorFor(db, migrations).getMigrations();
  return info.map((m) => ({ name: m.name, status: m.executedAt ? 'applied' : 'pending' }));
}

export type { MigrationResultSet };
