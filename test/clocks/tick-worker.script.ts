/**
 * A clock reminder worker in its own OS process, for the exactly-once test (`two-processes.test.ts`):
 * `node --import tsx test/clocks/tick-worker.script.ts '<database target JSON>' <worker name> <now ISO>`.
 * Waits until both workers are up (a barrier table), then runs the reminder job at the given time; the
 * handler writes one row per notice to `test_clock_notices` in the event's own transaction, so the test
 * can count notices per clock and event.
 */
import { sql } from 'kysely';
import { type ClockNotice, type ClockHandlerRun, ClockService } from '../../src/core/clocks/clocks.service.ts';
import { type DatabaseTarget, openDatabase } from '../../src/core/db/database.ts';
import { loadJurisdiction } from '../../src/core/jurisdiction/index.ts';
import { createLogger } from '../../src/core/log.ts';
import type { AppContext } from '../../src/core/modules/context.ts';

const [targetJson, worker, nowIso] = process.argv.slice(2);
if (!targetJson || !worker || !nowIso) throw new Error('usage: tick-worker.script.ts <target json> <worker> <now>');
const target = JSON.parse(targetJson) as DatabaseTarget;
const db = openDatabase(target, { poolSize: 4 });
const now = () => new Date(nowIso);
const log = createLogger({ level: 'silent' });
const clocks = new ClockService({ db, now, jurisdiction: loadJurisdiction('minneapolis'), log });
const record = (kind: string) => async (n: ClockNotice, run: ClockHandlerRun) => {
  await sql`insert into test_clock_notices (clock_id, kind, level, worker) values (${n.clock.id}, ${kind}, ${n.level}, ${worker})`.execute(run.tx);
  // A handler takes a moment (it queues a message), which gives the other process time to compete.
  await new Promise((r) => setTimeout(r, 3));
};
clocks.registerHandler('u-visa', { onReminder: record('reminder'), onOverdue: record('overdue'), onEscalate: record('escalated') });
const ctx = { db, now, log } as unknown as AppContext;

await sql`insert into test_barrier (worker) values (${worker})`.execute(db.kysely);
for (let i = 0; i < 500; i++) {
  const { rows } = await sql<{ n: number }>`select count(*) as n from test_barrier`.execute(db.kysely);
  if (Number(rows[0]?.n) >= 2) break;
  await new Promise((r) => setTimeout(r, 10));
}
let processed = 0;
let failed = 0;
for (let i = 0; i < 3; i++) {
  const report = await clocks.tick(ctx);
  processed += report.processed;
  failed += report.failed;
}
process.stdout.write(`${JSON.stringify({ worker, processed, failed })}\n`);
await db.close();
