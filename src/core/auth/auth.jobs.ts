import type { ScheduleDefinition } from '../jobs/job-queue.ts';
import { purgeAuthHousekeeping } from './housekeeping.service.ts';

/**
 * Hourly: delete expired sessions, WebAuthn challenges, spent or expired enrolment links and old failure
 * counters, so the auth tables keep no more than their declared retention (`auth.classification.ts`).
 */
export const authSchedules: ScheduleDefinition[] = [
  {
    name: 'auth.housekeeping',
    cron: '7 * * * *',
    // Idempotent and cheap; a missed hour is covered by the next run.
    catchUpMs: 2 * 60 * 60_000,
    async handler(_payload, run) {
      const receipt = await purgeAuthHousekeeping(run.ctx);
      run.ctx.log.info({ job: 'auth.housekeeping', ...receipt }, 'auth housekeeping');
    },
  },
];
