import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { lazyRequire } from '../lazy.ts';
import type { Database } from './schema.ts';
import type { BulkJob } from './sqlite-bulk.ts';
import { type GroupCommitStats, GroupCommitSqliteDialect } from './sqlite-group-commit.ts';

export type Dialect = 'sqlite' | 'postgres';

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** The database handle every service receives. */
export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** The SQLite file path, when on SQLite (for backups and tests). */
  file?: string;
  /** On SQLite: what group commit has done (transactions, durable commits, rollbacks to a savepoint). */
  groupCommit?: GroupCommitStats;
  /** On SQLite: runs a bulk job off the event loop's thread (use `runBulk`, run-bulk.ts). */
  bulk?: (job: BulkJob) => Promise<Uint8Array>;
  /** On SQLite: starts the bulk thread ahead of a first job (use `prepareBulk`, run-bulk.ts). */
  prepareBulk?: () => void;
  close(): Promise<void>;
}

const loadPg = lazyRequire<typeof import('pg')>('pg');
let pgTypesSet = false;

/** The PostgreSQL driver (`pg`), loaded only when something talks to PostgreSQL. */
export function postgresDriver(): typeof import('pg') {
  const pg = loadPg();
  if (!pgTypesSet) {
    // PostgreSQL returns bigint/numeric as strings by default; counts we use fit in a JS number.
    pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
    pgTypesSet = true;
  }
  return pg;
}

/**
 * Opens the database. SQLite gets WAL, foreign keys, a busy timeout and `synchronous=FULL` so an
 * acknowledged write survives a power cut (R40); PostgreSQL gets a pool.
 */
export function openDatabase(target: DatabaseTarget, options: { poolSize?: number; onConnectionError?: (err: Error) => void } = {}): Db {
  if (target.kind === 'sqlite') {
    if (target.file !== ':memory:') fs.mkdirSync(path.dirname(target.file), { recursive: true, mode: 0o700 });
    const sqlite = new SQLite(target.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Overwrite deleted content so a forgotten person's ciphertext does not linger in free pages.
    sqlite.pragma('secure_delete = ON');
    // Reads outside transactions on their own read-only connection, so they never wait for a batch being
    // written (WAL); a :memory: database has no second connection (it would be another database).
    const reader = target.file === ':memory:' ? undefined : new SQLite(target.file, { readonly: true });
    reader?.pragma('busy_timeout = 5000');
    // Concurrent transactions share one durable commit (core/db/sqlite-group-commit.ts).
    const dialect = new GroupCommitSqliteDialect(sqlite, reader);
    const kysely = new Kysely<Database>({ dialect });
    return {
      kysely,
      dialect: 'sqlite',
      file: target.file,
      groupCommit: dialect.driver.stats,
      bulk: (job) => dialect.driver.bulk(job),
      prepareBulk: () => dialect.driver.prepareBulk(),
      close: async () => {
        await kysely.destroy();
      },
    };
  }
  const pool = new (postgresDriver().Pool)({ connectionString: target.url, max: options.poolSize ?? 10 });
  // A client whose connection the server closes (restart, failover, pg_terminate_backend) emits 'error' — also
  // while a request holds it, when the pool is not listening (it listens to idle clients only). Without a
  // listener of its own Node would treat that as an uncaught error and stop the whole service. The query it was
  // running fails on its own (the request answers 503), and the pool discards the client when it comes back.
  pool.on('connect', (client) => client.on('error', (err) => options.onConnectionError?.(err)));
  // The pool's own report of an idle client's error: already reported by the client's listener above.
  pool.on('error', () => undefined);
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    dialect: 'postgres',
    close: async () => {
      await kysely.destroy();
    },
  };
}

/** True when the database answers a trivial query. */
export async function isDatabaseReady(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db.kysely);
    return true;
  } catch {
    return false;
  }
}
