import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { Kysely, type Migration, type MigrationResultSet, Migrator, SqliteAdapter, SqliteDialect } from 'kysely';
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

function migratorFor(kysely: Kysely<unknown>, migrations: NamedMigrations): Migrator {
  return new Migrator({
    // The migrator works below the typed schema.
    db: kysely,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migration_lock',
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock file beside the SQLite database, held while migrating. Kysely's SQLite adapter takes no
 * lock (it assumes one process), but a second instance or `sanctuary migrate` next to a running server share
 * the file. A lock left by a crashed process (its pid no longer runs) is taken over.
 */
async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = 0;
      try {
        holder = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
      } catch {
        continue;
      }
      if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
        fs.rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Another process (pid ${holder}) has been migrating for too long; lock file ${lockPath}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
}

/**
 * Applies every pending migration under a lock, so several instances starting together apply each migration
 * exactly once: Kysely's lock row (`SELECT … FOR UPDATE`) on PostgreSQL, a lock file beside the database on
 * SQLite.
 */
export async function migrateToLatest(db: Db, migrations: NamedMigrations): Promise<string[]> {
  const file = db.dialect === 'sqlite' && db.file && db.file !== ':memory:' ? db.file : undefined;
  const { error, results } = file
    ? await withFileLock(`${file}.migrate-lock`, () => migrateSqliteFile(file, migrations))
    : await migratorFor(db.kysely as Kysely<unknown>, migrations).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : 'unknown error'}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** SQLite's DDL is transactional, though Kysely's SQLite adapter does not say so. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class MigrationSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * Runs the pending migrations of a SQLite file in one transaction, on a connection of their own: a migration
 * that fails leaves nothing half-applied, and a new database is created with one durable commit instead of
 * one per statement (hundreds of fsyncs: most of a fresh start's time).
 */
async function migrateSqliteFile(file: string, migrations: NamedMigrations): Promise<MigrationResultSet> {
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  connection.pragma('secure_delete = ON');
  const kysely = new Kysely<unknown>({ dialect: new MigrationSqliteDialect({ database: connection }) });
  try {
    return await migratorFor(kysely, migrations).migrateToLatest();
  } finally {
    await kysely.destroy();
  }
}

/** Lists every known migration and whether it has been applied (for `sanctuary migrate --dry-run`). */
export async function migrationPlan(db: Db, migrations: NamedMigrations): Promise<MigrationPlanItem[]> {
  const info = await migratorFor(db.kysely as Kysely<unknown>, migrations).getMigrations();
  return info.map((m) => ({ name: m.name, status: m.executedAt ? 'applied' : 'pending' }));
}

export type { MigrationResultSet };
