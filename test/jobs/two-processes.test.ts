import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { collectMigrations, migrateToLatest } from '../../src/core/db/migrator.ts';
import { JobQueue } from '../../src/core/jobs/job-queue.ts';
import { jobsMigrations } from '../../src/core/jobs/jobs.migrations.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';

const run = promisify(execFile);
const SCRIPT = path.resolve('test/jobs/claim-worker.script.ts');

describeEachDialect('jobs claimed by two OS processes', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    await migrateToLatest(t.db, collectMigrations([{ owner: 'core', migrations: jobsMigrations }]));
    await sql`create table test_job_runs (job_id text not null, worker text not null)`.execute(t.db.kysely);
    await sql`create table test_barrier (worker text not null)`.execute(t.db.kysely);
  });
  afterEach(async () => {
    await t.drop();
  });

  it('runs each of 200 jobs exactly once', { timeout: 120_000 }, async () => {
    const queue = new JobQueue({ db: t.db, now: () => new Date(), timezone: 'UTC' });
    queue.define({ name: 'test.count', handler: async () => undefined });
    for (let n = 0; n < 200; n++) await queue.enqueue({ name: 'test.count', payload: { n } });

    const target = JSON.stringify(t.target);
    const results = await Promise.all(
      ['worker-a', 'worker-b'].map((w) => run(process.execPath, ['--import', 'tsx', SCRIPT, target, w], { timeout: 100_000 })),
    );
    const ran = results.map((r) => JSON.parse(r.stdout.trim()) as { worker: string; ran: number });
    expect(ran.reduce((a, r) => a + r.ran, 0)).toBe(200);
    // Both processes really competed for the same rows.
    expect(ran.every((r) => r.ran > 0), JSON.stringify(ran)).toBe(true);

    const { rows } = await sql<{ job_id: string; n: number }>`select job_id, count(*) as n from test_job_runs group by job_id`.execute(t.db.kysely);
    expect(rows).toHaveLength(200);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    const done = await t.db.kysely.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'done').executeTakeFirstOrThrow();
    expect(Number(done.n)).toBe(200);
  });
});
