import type { Insertable, Selectable } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Executor } from '../db/transaction.ts';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** One job run. `payload` is JSON of ids and codes only (see `job-payload.ts`). */
export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  status: JobStatus;
  run_at: string;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  /** An error *code*, never a message (messages may quote personal data). */
  last_error: string | null;
  /** Unique with `name`: the same scheduled run or keyed job is enqueued once. */
  dedupe_key: string | null;
  scheduled_for: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    jobs: JobsTable;
  }
}

export type JobRow = Selectable<JobsTable>;

/** Queries of the job queue. */
export const jobsRepo = {
  /** Inserts a job; with a dedupe key, silently does nothing when that (name, key) exists. Returns whether it inserted. */
  async insert(db: Executor, row: Insertable<JobsTable>): Promise<boolean> {
    const result = await db
      .insertInto('jobs')
      .values(row)
      .onConflict((oc) => oc.columns(['name', 'dedupe_key']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  },

  /**
   * Atomically takes up to `limit` due jobs for `workerId`. PostgreSQL: the candidate rows are locked with
   * `FOR UPDATE SKIP LOCKED`, so concurrent workers each get different rows without waiting for each other.
   * SQLite: the single UPDATE … RETURNING runs under the database's one write lock, which gives the same
   * exactly-once hand-out.
   */
  async claim(
    db: Executor,
    dialect: Dialect,
    options: { workerId: string; names: readonly string[]; now: string; lockedUntil: string; limit: number },
  ): Promise<JobRow[]> {
    if (options.names.length === 0 || options.limit <= 0) return [];
    if (dialect === 'postgres') {
      // The candidates are picked once, in a CTE. Written as `WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP
      // LOCKED)`, PostgreSQL may run the sub-select again for every row it scans, each time skipping the rows
      // it has just locked — and so claim the whole queue for one worker instead of `limit` jobs.
      return db
        .with('picked', (qb) =>
          qb
            .selectFrom('jobs')
            .select('id')
            .where('status', '=', 'queued')
            .where('run_at', '<=', options.now)
            .where('name', 'in', options.names)
            .orderBy('run_at')
            .orderBy('id')
            .limit(options.limit)
            .forUpdate()
            .skipLocked(),
        )
        .updateTable('jobs')
        .from('picked')
        .set((eb) => ({
          status: 'running',
          locked_by: options.workerId,
          locked_until: options.lockedUntil,
          attempts: eb('jobs.attempts', '+', 1),
          updated_at: options.now,
        }))
        .whereRef('jobs.id', '=', 'picked.id')
        .where('jobs.status', '=', 'queued')
        .returningAll('jobs')
        .execute();
    }
    return db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        locked_by: options.workerId,
        locked_until: options.lockedUntil,
        attempts: eb('attempts', '+', 1),
        updated_at: options.now,
      }))
      // SQLite runs one writer at a time and evaluates this sub-select once.
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('status', '=', 'queued')
          .where('run_at', '<=', options.now)
          .where('name', 'in', options.names)
          .orderBy('run_at')
          .orderBy('id')
          .limit(options.limit),
      )
      .where('status', '=', 'queued')
      .returningAll()
      .execute();
  },

  /** Keeps a running job's lock alive (heartbeat). False when another worker has taken it over. */
  async extendLock(db: Executor, id: string, workerId: string, lockedUntil: string, now: string): Promise<boolean> {
    const r = await db
      .updateTable('jobs')
      .set({ locked_until: lockedUntil, updated_at: now })
      .where('id', '=', id)
      .where('locked_by', '=', workerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  async complete(db: Executor, id: string, workerId: string, now: string): Promise<boolean> {
    const r = await db
      .updateTable('jobs')
      .set({ status: 'done', locked_by: null, locked_until: null, last_error: null, updated_at: now, finished_at: now })
      .where('id', '=', id)
      .where('locked_by', '=', workerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  /** Records a failed attempt: back to `queued` at `retryAt`, or `failed` for good when `retryAt` is null. */
  async fail(db: Executor, id: string, workerId: string, options: { code: string; now: string; retryAt: string | null }): Promise<boolean> {
    const r = await db
      .updateTable('jobs')
      .set({
        status: options.retryAt ? 'queued' : 'failed',
        run_at: options.retryAt ?? options.now,
        locked_by: null,
        locked_until: null,
        last_error: options.code,
        updated_at: options.now,
        finished_at: options.retryAt ? null : options.now,
      })
      .where('id', '=', id)
      .where('locked_by', '=', workerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  /**
   * Jobs whose worker died (lock expired): back to `queued` now, or `failed` when out of attempts.
   * Safe to run from every instance at once: each row is updated by exactly one of them.
   */
  async recoverStale(db: Executor, now: string): Promise<number> {
    const r = await db
      .updateTable('jobs')
      .set((eb) => ({
        status: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then('failed').else('queued').end().$castTo<JobStatus>(),
        finished_at: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then(now).else(null).end(),
        locked_by: null,
        locked_until: null,
        last_error: 'lock_expired',
        run_at: now,
        updated_at: now,
      }))
      .where('status', '=', 'running')
      .where('locked_until', '<', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  },

  async byId(db: Executor, id: string): Promise<JobRow | undefined> {
    return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async countByStatus(db: Executor): Promise<Record<JobStatus, number>> {
    const rows = await db
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const out: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  },
};
