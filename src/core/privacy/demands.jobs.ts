import type { ScheduleDefinition } from '../jobs/job-queue.ts';
import { demandsRepo } from './demands.repo.ts';

/**
 * A daily check of the notices owed to people named in demands: overdue ones are logged as a warning (counts
 * only) for the operator's alerting, besides being flagged on the register page.
 */
export const demandSchedules: ScheduleDefinition[] = [
  {
    name: 'privacy.demand-notices-check',
    cron: '0 8 * * *',
    async handler(_payload, run) {
      const overdue = await demandsRepo.overdueNotices(run.ctx.db.kysely, run.ctx.now().toISOString());
      if (overdue.length > 0) {
        run.ctx.log.warn({ job: 'privacy.demand-notices-check', overdue: overdue.length, demands: new Set(overdue.map((o) => o.demand_id)).size }, 'notices to people named in demands are overdue');
      }
    },
  },
];
