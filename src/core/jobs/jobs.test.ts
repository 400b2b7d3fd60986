import { afterEach, beforeEach, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../../../test/helpers/db.ts';
import { randomId } from '../crypto/random.ts';
import { type Db, openDatabase } from '../db/database.ts';
import { collectMigrations, migrateToLatest } from '../db/migrator.ts';
import { createLogger } from '../log.ts';
import type { AppContext } from '../modules/context.ts';
import { JobPayloadError } from './job-payload.ts';
import { JobQueue } from './job-queue.ts';
import { JobWorker } from './job-worker.ts';
import { jobsMigrations } from './jobs.migrations.ts';
import { jobsRepo } from './jobs.repo.ts';

const migrations = collectMigrations([{ owner: 'core', migrations: jobsMigrations }]);

describeEachDialect('job queue', (dialect) => {
  let t: TestDatabase;
  let clock: Date;
  let queue: JobQueue;
  let ctx: AppContext;
  const now = () => clock;

  /** The parts of the application context the queue itself uses (a real logger, the real database). */
  function contextFor(db: Db): AppContext {
    return { db, log: createLogger({ level: 'silent' }), now } as unknown as AppContext;
  }

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    await migrateToLatest(t.db, migrations);
    clock = new Date('2026-11-27T12:00:00.000Z');
    queue = new JobQueue({ db: t.db, now, timezone: 'America/Chicago' });
    ctx = contextFor(t.db);
  });
  afterEach(async () => {
    await t.drop();
  });

  it('runs an enqueued job once and marks it done', async () => {
    const seen: string[] = [];
    queue.define<{ caseId: string }>({ name: 'test.echo', handler: async (p) => void seen.push(p.caseId) });
    const caseId = randomId();
    const id = await queue.enqueue({ name: 'test.echo', payload: { caseId } });
    const worker = new JobWorker({ queue, ctx });
    expect(await worker.drain()).toBe(1);
    expect(await worker.drain()).toBe(0);
    expect(seen).toEqual([caseId]);
    expect(await jobsRepo.byId(t.db.kysely, id as string)).toMatchObject({ status: 'done', attempts: 1, locked_by: null });
  });

  it('does not run a job before its time', async () => {
    let runs = 0;
    queue.define({ name: 'test.later', handler: async () => void runs++ });
    await queue.enqueue({ name: 'test.later', runAt: new Date('2026-11-27T13:00:00.000Z') });
    const worker = new JobWorker({ queue, ctx });
    expect(await worker.drain()).toBe(0);
    clock = new Date('2026-11-27T13:00:00.000Z');
    expect(await worker.drain()).toBe(1);
    expect(runs).toBe(1);
  });

  it('retries with backoff, keeps only an error code, and gives up after max attempts', async () => {
    let runs = 0;
    queue.define({
      name: 'test.flaky',
      maxAttempts: 3,
      backoffMs: (attempt) => attempt * 60_000,
      handler: async () => {
        runs++;
        throw Object.assign(new Error('could not reach Maria Lopez at 612-555-0100'), { code: 'ECONNREFUSED' });
      },
    });
    const id = (await queue.enqueue({ name: 'test.flaky' })) as string;
    const worker = new JobWorker({ queue, ctx });
    expect(await worker.drain()).toBe(1);
    let row = await jobsRepo.byId(t.db.kysely, id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: 'ECONNREFUSED', run_at: '2026-11-27T12:01:00.000Z' });
    expect(JSON.stringify(row)).not.toMatch(/Maria|612/);
    expect(await worker.drain()).toBe(0); // backing off
    clock = new Date('2026-11-27T12:01:00.000Z');
    expect(await worker.drain()).toBe(1);
    clock = new Date('2026-11-27T12:03:00.000Z');
    expect(await worker.drain()).toBe(1);
    row = await jobsRepo.byId(t.db.kysely, id);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, last_error: 'ECONNREFUSED' });
    clock = new Date('2026-11-28T12:00:00.000Z');
    expect(await worker.drain()).toBe(0);
    expect(runs).toBe(3);
  });

  it('recovers a job whose worker died (stale lock) and runs it elsewhere', async () => {
    let runs = 0;
    queue.define({ name: 'test.recover', lockMs: 60_000, handler: async () => void runs++ });
    const id = (await queue.enqueue({ name: 'test.recover' })) as string;
    const dead = await queue.claim('dead-worker', 10);
    expect(dead.map((j) => j.id)).toEqual([id]);
    const worker = new JobWorker({ queue, ctx });
    expect(await worker.drain()).toBe(0); // still locked by the dead worker
    clock = new Date(clock.getTime() + 5 * 60_000 + 1);
    expect(await worker.drain()).toBe(1);
    expect(runs).toBe(1);
    expect(await jobsRepo.byId(t.db.kysely, id)).toMatchObject({ status: 'done', attempts: 2 });
    // The dead worker coming back cannot mark the job it lost.
    expect(await jobsRepo.complete(t.db.kysely, id, 'dead-worker', clock.toISOString())).toBe(false);
  });

  it('refuses personal data in payloads', async () => {
    queue.define({ name: 'test.payload', handler: async () => undefined });
    for (const payload of [{ email: 'maria@example.org' }, { name: 'Maria Lopez' }, { phone: '+1 612 555 0100' }, { phone: 'sms:6125550100' }, { dob: '1990-01-02' }, { anumber: 'a123456789' }, { nested: { deep: ['Maria'] } }]) {
      await expect(queue.enqueue({ name: 'test.payload', payload: payload as never })).rejects.toBeInstanceOf(JobPayloadError);
    }
    await queue.enqueue({ name: 'test.payload', payload: { caseId: randomId(), kind: 'reminder.sms', at: clock.toISOString(), count: 3, urgent: true } });
    expect((await jobsRepo.countByStatus(t.db.kysely)).queued).toBe(1);
  });

  it('enqueues a keyed job once', async () => {
    queue.define({ name: 'test.keyed', handler: async () => undefined });
    expect(await queue.enqueue({ name: 'test.keyed', dedupeKey: 'notice:abc' })).not.toBeNull();
    expect(await queue.enqueue({ name: 'test.keyed', dedupeKey: 'notice:abc' })).toBeNull();
    expect((await jobsRepo.countByStatus(t.db.kysely)).queued).toBe(1);
  });

  it('enqueues each scheduled run once across instances, and catches up a recently missed run', async () => {
    let runs = 0;
    const other = new JobQueue({ db: t.db, now, timezone: 'America/Chicago' });
    for (const q of [queue, other]) q.schedule({ name: 'test.nightly', cron: '15 3 * * *', handler: async () => void runs++ });
    expect(() => queue.schedule({ name: 'test.bad', cron: 'every day', handler: async () => undefined })).toThrow();
    // 12:00 UTC = 06:00 in Chicago: today's 03:15 run (09:15 UTC) is due.
    expect(await queue.enqueueDueSchedules()).toBe(1);
    expect(await other.enqueueDueSchedules()).toBe(0);
    expect(await queue.enqueueDueSchedules()).toBe(0);
    const worker = new JobWorker({ queue: other, ctx });
    expect(await worker.drain()).toBe(1);
    const [row] = await t.db.kysely.selectFrom('jobs').selectAll().execute();
    expect(row).toMatchObject({ scheduled_for: '2026-11-27T09:15:00.000Z', status: 'done' });
    clock = new Date('2026-11-28T09:15:30.000Z');
    expect(await other.enqueueDueSchedules()).toBe(1);
    expect(await queue.enqueueDueSchedules()).toBe(0);
    expect(await worker.drain()).toBe(1);
    // Down for three days: only the latest missed run is caught up, and only within 36 h.
    clock = new Date('2026-12-01T20:00:00.000Z');
    expect(await queue.enqueueDueSchedules()).toBe(1);
    clock = new Date('2026-12-03T23:00:00.000Z'); // latest run 2026-12-03 09:15 UTC — due
    expect(await queue.enqueueDueSchedules()).toBe(1);
    expect(runs).toBe(2);
  });

  it('hands each of 200 jobs to exactly one of two concurrent workers (separate pools)', async () => {
    const otherDb = openDatabase(t.target);
    try {
      const runs = new Map<string, number>();
      const mk = (db: Db) => {
        const q = new JobQueue({ db, now: () => new Date(), timezone: 'UTC' });
        q.define<{ n: number }>({
          name: 'test.count',
          handler: async (_p, run) => {
            runs.set(run.jobId, (runs.get(run.jobId) ?? 0) + 1);
            await new Promise((r) => setTimeout(r, 1));
          },
        });
        return q;
      };
      const q1 = mk(t.db);
      const q2 = mk(otherDb);
      for (let n = 0; n < 200; n++) await q1.enqueue({ name: 'test.count', payload: { n } });
      const w1 = new JobWorker({ queue: q1, ctx: contextFor(t.db), concurrency: 4 });
      const w2 = new JobWorker({ queue: q2, ctx: contextFor(otherDb), concurrency: 4 });
      const [a, b] = await Promise.all([w1.drain(), w2.drain()]);
      expect(a + b).toBe(200);
      expect(runs.size).toBe(200);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect((await jobsRepo.countByStatus(t.db.kysely)).done).toBe(200);
    } finally {
      await otherDb.close();
    }
  });

  it('the background loop runs jobs and stops gracefully, letting a running job finish', async () => {
    const realNow = () => new Date();
    const q = new JobQueue({ db: t.db, now: realNow, timezone: 'UTC' });
    let finished = 0;
    q.define({
      name: 'test.slow',
      handler: async () => {
        await new Promise((r) => setTimeout(r, 150));
        finished++;
      },
    });
    const worker = new JobWorker({ queue: q, ctx: contextFor(t.db), pollMs: 20, concurrency: 1 });
    worker.start();
    await q.enqueue({ name: 'test.slow' });
    await q.enqueue({ name: 'test.slow' });
    // Wait until the first job is running, then stop: it finishes, the second is left queued.
    for (let i = 0; i < 100 && (await jobsRepo.countByStatus(t.db.kysely)).running === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await worker.stop(5_000);
    expect(finished).toBe(1);
    expect(await jobsRepo.countByStatus(t.db.kysely)).toMatchObject({ done: 1, queued: 1, running: 0 });
  });
});
