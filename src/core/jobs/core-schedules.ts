import { purgeExpiredDrafts } from '../forms/forms.service.ts';
import type { ScheduleDefinition } from './job-queue.ts';

/**
 * Recurring jobs of core parts that do not have a jobs file of their own: the daily purge of expired
 * guided-form drafts and receipts (their time is up; `purgeExpiredDrafts` forgets their keys too).
 */
export const formsSchedules: ScheduleDefinition[] = [
  {
    name: 'forms.purge-expired-drafts',
    cron: '20 3 * * *',
    async handler(_payload, run) {
      const deleted = await purgeExpiredDrafts(run.ctx);
      run.ctx.log.info({ job: 'forms.purge-expired-drafts', deleted }, 'expired form drafts purged');
    },
  },
];
