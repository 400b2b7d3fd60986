import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ClockService } from '../../src/core/clocks/clocks.service.ts';
import { clocksMigrations } from '../../src/core/clocks/clocks.migrations.ts';
import { collectMigrations, migrateToLatest } from '../../src/core/db/migrator.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { loadJurisdiction } from '../../src/core/jurisdiction/index.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';

const run = promisify(execFile);
const SCRIPT = path.resolve('test/clocks/tick-worker.script.ts');
const cst = (local: string) => new Date(`${local}-06:00`);

describeEachDialect('clock reminders run by two OS processes', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    await migrateToLatest(t.db, collectMigrations([{ owner: 'core', migrations: clocksMigrations }]));
    await sql`create table test_clock_notices (clock_id text not null, kind text not null, level integer not null, worker text not null)`.execute(t.db.kysely);
    await sql`create table test_barrier (worker text not null)`.execute(t.db.kysely);
  });
  afterEach(async () => {
    await t.drop();
  });

  it('sends each reminder, overdue flag and escalation once', { timeout: 120_000 }, async () => {
    const clocks = new ClockService({ db: t.db, now: () => cst('2026-01-05T09:00:00'), jurisdiction: loadJurisdiction('minneapolis') });
    const ids: string[] = [];
    for (let n = 0; n < 150; n++) {
      // 7-day expedited requests: half are at "3 days left", half are past due.
      const start = n % 2 === 0 ? cst('2026-01-05T09:00:00') : cst('2025-12-20T09:00:00');
      const c = await inTransaction(t.db, (tx) =>
        clocks.startClock(tx, { owner: 'u-visa', recordType: 'request', recordId: `R${n}`, rules: ['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited'], start }),
      );
      ids.push(c.id);
    }
    const target = JSON.stringify(t.target);
    const at = cst('2026-01-10T06:00:00').toISOString();
    const results = await Promise.all(['worker-a', 'worker-b'].map((w) => run(process.execPath, ['--import', 'tsx', SCRIPT, target, w, at], { timeout: 100_000 })));
    const reports = results.map((r) => JSON.parse(r.stdout.trim()) as { worker: string; processed: number; failed: number });
    expect(reports.reduce((a, r) => a + r.processed, 0)).toBe(150);
    expect(reports.every((r) => r.failed === 0), JSON.stringify(reports)).toBe(true);
    // On PostgreSQL both processes really share the work (row locks, SKIP-free waiting). SQLite lets one
    // writer at a time in and its busy handler may leave the other waiting until the work is done: that
    // one then finds every clock already handled, which is the point of the test as well.
    if (dialect === 'postgres') expect(reports.every((r) => r.processed > 0), JSON.stringify(reports)).toBe(true);

    const { rows } = await sql<{ clock_id: string; kind: string; n: number }>`
      select clock_id, kind, count(*) as n from test_clock_notices group by clock_id, kind`.execute(t.db.kysely);
    const byKind = (kind: string) => rows.filter((r) => r.kind === kind);
    expect(byKind('reminder')).toHaveLength(75);
    expect(byKind('overdue')).toHaveLength(75);
    expect(byKind('escalated')).toHaveLength(75);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    // Every notice has exactly one event in the history, and nothing else was recorded.
    const events = await t.db.kysely.selectFrom('clock_events').select(['kind']).where('kind', 'in', ['reminder', 'overdue', 'escalated']).execute();
    expect(events).toHaveLength(225);
  });
});
