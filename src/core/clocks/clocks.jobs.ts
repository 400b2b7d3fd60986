import type { ScheduleDefinition } from '../jobs/job-queue.ts';

/**
 * The reminder job: every 5 minutes, recompute clocks left from an older profile, then send due reminders,
 * flag overdue clocks and escalate (`ClockService.tick`). Every instance enqueues the run; the queue runs it
 * once, and the unique event keys keep each reminder single even if two runs overlap.
 */
export const clocksSchedules: ScheduleDefinition[] = [
  {
    name: 'clocks.tick',
    cron: '*/5 * * * *',
    // A missed run needs no catching up: the next one does everything that is due by then.
    catchUpMs: 10 * 60_000,
    maxAttempts: 1,
    async handler(_payload, run) {
      const report = await run.ctx.clocks.tick(run.ctx);
      if (report.processed + report.failed + report.recomputed > 0) run.ctx.log.info({ job: 'clocks.tick', ...report }, 'clocks checked');
    },
  },
];
