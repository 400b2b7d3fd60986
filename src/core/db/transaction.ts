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
 * A write to another database that belongs to a transaction (the key vault's copy of a new subject's data key):
 * `done` settles when it is durable; `undo` removes what the transaction wrote because of it when it failed.
 */
export interface CompanionWrite {
  readonly done: Promise<void>;
  undo(): Promise<void>;
}

/** What a transaction run by {@link inTransaction} collects while it runs. */
interface TxState {
  /** Writes to other databases, awaited after the commit ({@link joinCommit}). */
  readonly writes: CompanionWrite[];
  /** Work that runs last inside the transaction, just before its commit ({@link beforeCommit}). */
  readonly finishers: Array<() => Promise<void>>;
}

const states = new WeakMap<object, TxState>();

/**
 * Lets `write` run alongside `tx` instead of inside it: {@link inTransaction} acknowledges the transaction only
 * once the write is durable too. Writes done this way by many concurrent transactions share their commits
 * (e.g. SQLite group commit) rather than each holding the main writer while it waits for a disk.
 *
 * Returns false when `tx` is not a transaction run by `inTransaction`: the caller must then await the write itself.
 */
export function joinCommit(tx: Executor, write: CompanionWrite): boolean {
  const state = states.get(tx);
  if (!state) return false;
  // Handled here so a failure before `inTransaction` reaches it is not reported as unhandled; it still fails there.
  write.done.catch(() => undefined);
  state.writes.push(write);
  return true;
}

/**
 * Runs `finish` inside `tx` once the transaction's own work is done, just before it commits (finishers in the
 * order they were added; one may add another). For a write that takes a lock every transaction needs — the
 * audit chain's head — so that the lock is held for the commit only, not for the rest of the transaction.
 * If `finish` throws, the transaction rolls back.
 *
 * Returns false when `tx` is not a transaction run by `inTransaction`: the caller must then do the work itself.
 */
export function beforeCommit(tx: Executor, finish: () => Promise<void>): boolean {
  const state = states.get(tx);
  if (!state) return false;
  state.finishers.push(finish);
  return true;
}

/** Waits for the companion writes of a committed transaction; undoes and reports the first that failed. */
async function settleCompanions(writes: readonly CompanionWrite[]): Promise<void> {
  const results = await Promise.allSettled(writes.map((w) => w.done));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ write: writes[i] as CompanionWrite, reason: r.reason as unknown }] : []));
  if (failed.length === 0) return;
  await Promise.allSettled(failed.map((f) => f.write.undo()));
  throw new CompanionWriteError(failed[0]?.reason);
}

/** A companion write failed after its transaction committed (what depended on it was undone). Not retried. */
export class CompanionWriteError extends Error {
  readonly code = 'SANCTUARY_COMPANION_WRITE_FAILED';
  constructor(cause: unknown) {
    super('a write that belongs to the transaction failed after it committed; its effects were undone', { cause });
    this.name = 'CompanionWriteError';
  }
}

/**
 * Runs `fn` in a transaction, retrying on serialization failures and deadlocks (PostgreSQL 40001/40P01,
 * SQLite BUSY) with jittered backoff. Keep `fn` free of side effects outside the database: it may run
 * more than once. Work added with {@link beforeCommit} runs after `fn`, inside the transaction; writes joined
 * with {@link joinCommit} are awaited after the commit: the result is returned only when they are durable too.
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
      const state: TxState = { writes: [], finishers: [] };
      const { writes } = state;
      let result: T;
      try {
        result = await builder.execute(async (tx) => {
          states.set(tx, state);
          const value = await fn(tx);
          // A finisher added by another one runs too: the array's iterator reads its length at every step.
          for (const finish of state.finishers) await finish();
          return value;
        });
      } catch (err) {
        // Rolled back: what the companions wrote is unreferenced (an unused data key: `Vault.reconcile` clears it).
        await Promise.allSettled(writes.map((w) => w.done));
        throw err;
      }
      await settleCompanions(writes);
      return result;
    } catch (err) {
      if (attempt >= retries || !isRetryable(err)) throw err;
      const delay = Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
