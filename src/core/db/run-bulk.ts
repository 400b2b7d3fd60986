import type { RawBuilder } from 'kysely';
import type { Db } from './database.ts';
import type { BulkJob, BulkValue } from './sqlite-bulk.ts';

export type { BulkValue } from './sqlite-bulk.ts';

/** The positions a statement's values name (each `${n}` of the sql tag is a position, not a value). */
function positionsOf(db: Db, statement: RawBuilder<unknown>, width: number): { sql: string; positions: number[] } {
  const compiled = statement.compile(db.kysely);
  const positions = compiled.parameters.map((p) => {
    if (!Number.isSafeInteger(p) || (p as number) < 0 || (p as number) >= width) throw new TypeError('runBulk: every value in a statement must be a position in the shared values and the row');
    return p as number;
  });
  return { sql: compiled.sql, positions };
}

/**
 * Runs `statement` once per row in a transaction of its own, and `then.statement` for each row it changed
 * (unless that row's value at `then.unlessNull` is null); returns the rows each run changed, in order. Durable,
 * or rolled back as a whole (`BulkJobError`), when it returns. SQLite only (`db.bulk`): PostgreSQL callers
 * write one statement per chunk of rows.
 *
 * Values are positions in `[...shared, ...row]`: with `shared = [digest]`,
 * sql`update t set digest = ${0}, a = ${2} where id = ${1}` binds the digest and each row's first two values.
 * On a SQLite file the job runs on a worker thread (`sqlite-bulk.ts`): the caller can read and compute its next
 * batch meanwhile.
 */
export async function runBulk(
  db: Db,
  job: {
    statement: RawBuilder<unknown>;
    shared?: readonly BulkValue[];
    rows: ReadonlyArray<readonly BulkValue[]>;
    then?: { statement: RawBuilder<unknown>; unlessNull?: number };
    /** `false` for a job that cannot break a reference (see `BulkJob.foreignKeys`). */
    foreignKeys?: false;
  },
): Promise<Uint8Array> {
  if (!db.bulk) throw new Error('runBulk: bulk jobs run on SQLite only');
  if (job.rows.length === 0) return new Uint8Array(0);
  const shared = job.shared ?? [];
  const width = (job.rows[0] as readonly BulkValue[]).length;
  if (job.rows.some((row) => row.length !== width)) throw new TypeError('runBulk: every row must have as many values');
  const main = positionsOf(db, job.statement, shared.length + width);
  const out: BulkJob = { sql: main.sql, positions: main.positions, shared, rows: job.rows };
  if (job.foreignKeys === false) out.foreignKeys = false;
  if (job.then) {
    const follow = positionsOf(db, job.then.statement, shared.length + width);
    out.then = follow.sql;
    out.thenPositions = follow.positions;
    if (job.then.unlessNull !== undefined) out.thenWhen = job.then.unlessNull;
  }
  return db.bulk(out);
}

/**
 * Starts the bulk thread now, for a caller that reads and computes before its first `runBulk`: the thread's start
 * then overlaps that work instead of delaying the first job. Nothing on PostgreSQL or a `:memory:` database.
 */
export function prepareBulk(db: Db): void {
  db.prepareBulk?.();
}
