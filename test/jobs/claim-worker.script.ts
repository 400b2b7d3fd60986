/**
 * A job worker in its own OS process, for the exactly-once test (`two-processes.test.ts`):
 * `node --import tsx test/jobs/claim-worker.script.ts '<database target JSON>' <worker name>`.
 * Waits until both workers are up (a barrier table), then drains the queue; each run of the test job
 * writes one row to `test_job_runs` (job id, worker), so the test can count runs per job.
 */
import { sql } from 'kysely';
import { type DatabaseTarget, openDatabase } from '../../src/core/db/database.ts';
import { JobQueue } from '../../src/core/jobs/job-queue.ts';
import { JobWorker } from '../../src/core/jobs/job-worker.ts';
import { createLogger } from '../../src/core/log.ts';
import type { AppContext } from '../../src/core/modules/context.ts';

const [targetJson, worker] = process.argv.slice(2);
if (!targetJson || !worker) throw new Error('usage: claim-worker.script.ts <target json> <worker>');
const target = JSON.parse(targetJson) as DatabaseTarget;
const db = openDatabase(target, { poolSize: 4 });
const now = () => new Date();
const queue = new JobQueue({ db, now, timezone: 'UTC' });
queue.define({
  name: 'test.count',
  handler: async (_payload, run) => {
    await sql`insert into test_job_runs (job_id, worker) values (${run.jobId}, ${worker})`.execute(db.kysely);
    // Hold this worker's first jobs until the other worker has run one too (at most 20 s), so the two really
    // overlap however the machine schedules them. If the other could never claim anything, the test fails.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from test_job_runs where worker <> ${worker}`.execute(db.kysely);
      if (Number(rows[0]?.n) > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // Long enough that the queue takes seconds to drain, so both processes really compete even on a loaded machine.
    await new Promise((r) => setTimeout(r, 25));
  },
});
const ctx = { db, now, log: createLogger({ level: 'silent' }) } as unknown as AppContext;

await sql`insert into test_barrier (worker) values (${worker})`.execute(db.kysely);
// Starting a process with the TypeScript loader can take several seconds on a loaded machine: wait up to a
// minute for the other worker, and say so if it never comes (rather than draining the queue alone).
const barrierDeadline = Date.now() + 60_000;
for (;;) {
  const { rows } = await sql<{ n: number }>`select count(*) as n from test_barrier`.execute(db.kysely);
  if (Number(rows[0]?.n) >= 2) break;
  if (Date.now() > barrierDeadline) throw new Error(`${worker}: the other worker never started`);
  await new Promise((r) => setTimeout(r, 10));
}
const w = new JobWorker({ queue, ctx, id: worker, concurrency: 3 });
let ran = 0;
for (;;) {
  ran += await w.drain();
  const { rows } = await sql<{ n: number }>`select count(*) as n from jobs where status in ('queued', 'running')`.execute(db.kysely);
  if (Number(rows[0]?.n) === 0) break;
  await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(`${JSON.stringify({ worker, ran })}\n`);
await db.close();
