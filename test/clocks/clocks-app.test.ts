import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ClockNotice } from '../../src/core/clocks/index.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { JobWorker } from '../../src/core/jobs/job-worker.ts';
import type { SanctuaryModule } from '../../src/core/modules/module.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';

const cst = (local: string) => new Date(`${local}-06:00`);

describeEachDialect('clocks in the app', (dialect) => {
  let app: TestApp;
  let clock: Date;
  const notices: ClockNotice[] = [];
  // A module that only times things: its handlers are registered from its definition.
  const timer: SanctuaryModule = {
    id: 'timer-test',
    catalogs: { en: {}, es: {}, so: {}, hmn: {} },
    clockHandlers: {
      onReminder: async (n, run) => {
        expect(run.ctx.clocks).toBeDefined();
        notices.push(n);
      },
    },
  };

  beforeEach(async () => {
    clock = cst('2026-01-05T09:00:00');
    notices.length = 0;
    app = await createTestApp(dialect, { now: () => clock, modules: [timer] });
  });
  afterEach(async () => {
    await app.close();
  });

  it('gives every module ctx.clocks with the profile rules, and runs the reminder job every 5 minutes', async () => {
    const { ctx } = app;
    expect(ctx.jobs.schedules().find((s) => s.name === 'clocks.tick')).toMatchObject({ cron: '*/5 * * * *' });
    const c = await inTransaction(ctx.db, (tx) =>
      ctx.clocks.startClock(tx, { owner: 'timer-test', recordType: 'thing', recordId: 'T1', rules: ['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited'], start: clock }),
    );
    expect(c.dueDate).toBe('2026-01-12');
    clock = cst('2026-01-10T00:03:00');
    expect(await ctx.jobs.enqueueDueSchedules(clock)).toBeGreaterThan(0);
    const worker = new JobWorker({ queue: ctx.jobs, ctx });
    await worker.drain();
    expect(notices.map((n) => [n.kind, n.clock.id, n.level])).toEqual([['reminder', c.id, 1]]);
    expect((await ctx.clocks.historyOf(c.id)).map((e) => e.kind)).toEqual(['started', 'reminder']);
  });

  it('translates statuses, events, rules and reasons in every language', () => {
    const { messages } = app.ctx;
    expect(messages.format('en', 'clocks.rule.uVisaCertificationExpedited')).toMatch(/7 days/);
    expect(messages.format('es', 'clocks.status.overdue')).toBe('Vencido');
    expect(messages.format('en', 'clocks.due.daysLeft', { days: 1 })).toBe('1 day left');
    expect(messages.format('so', 'clocks.reason.offsite-records')).not.toBe('clocks.reason.offsite-records');
    expect(messages.format('hmn', 'clocks.error.pauseNotAllowed')).not.toBe('clocks.error.pauseNotAllowed');
  });
});
