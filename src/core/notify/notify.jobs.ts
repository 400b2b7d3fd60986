import type { ScheduleDefinition } from '../jobs/job-queue.ts';

/**
 * The notification jobs: sending what is queued (every minute, so a message waits at most about a minute and
 * survives a restart in the table), and erasing message contents after seven days (daily).
 */
export const notifySchedules: ScheduleDefinition[] = [
  {
    name: 'notify.deliver',
    cron: '* * * * *',
    // A missed minute is not worth catching up on: the next run sends everything due anyway.
    catchUpMs: 5 * 60_000,
    maxAttempts: 1,
    async handler(_payload, run) {
      const report = await run.ctx.notifier.deliverDue({ limit: 500 });
      if (report.claimed > 0) run.ctx.log.info({ job: 'notify.deliver', ...report }, 'notifications delivered');
    },
  },
  {
    name: 'notify.purge-contents',
    cron: '40 3 * * *',
    async handler(_payload, run) {
      const purged = await run.ctx.notifier.purgeBodies();
      run.ctx.log.info({ job: 'notify.purge-contents', purged }, 'notification contents purged');
    },
  },
];
