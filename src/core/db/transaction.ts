import type { Kysely, Transaction } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';

export type Tx = Transaction<Database>;
export type Executor = Kysely<Database> | Tx;

const RETRYABLE_PG = new Set(['40001', '40P01']);

function isRetryable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  // SANCTUARY_GROUP_ROLLED_BACK: SQLite rolled back a whole group commit (sqlite-group-commit.ts).
  return typeof code === 'string' && (RETRYABLE_PG.has(code) || code === 'SQLITE_BUSY' || code === 'SANCTUARY_GROUP_ROLLED_BACK');
}

/**
 * Runs `fn` in a transaction, retrying on serialization failures and deadlocks (PostgreSQL 40001/40P01,
 * SQLite BUSY) with jittered backoff. Keep `fn` free of side effects outside the database: it may run
 * more than once.
 */
export async function inTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  options: { isolation?: 'serializable' | 'read committed'; retries?: number } = {},
): Promise<T> {
  const retries = options.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      let builder = db.kysely.transaction();
      if (db.dialect === 'postgres' && options.isolation) builder = builder.setIsolationLevel(options.isolation);
      return await builder.execute(fn);
    } catch (err) {
      if (attempt >= retries || !isRetryable(err)) throw err;
      const delay = Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
