import type { ScheduleDefinition } from '../jobs/job-queue.ts';
import { checkAccessVolumes } from './access-alerts.ts';

/**
 * Signs a checkpoint of the audit chain head every hour (nothing new is signed twice), so a witness that
 * copies `/api/v1/audit/checkpoints` off the server pins the log at most an hour behind.
 */
export const auditSchedules: ScheduleDefinition[] = [
  {
    name: 'audit.checkpoint',
    cron: '7 * * * *',
    catchUpMs: 2 * 3_600_000,
    async handler(_payload, run) {
      const cp = await run.ctx.audit.checkpoint();
      run.ctx.log.info({ job: 'audit.checkpoint', seq: cp.seq }, 'audit checkpoint signed');
    },
  },
  {
    // R35: a staff account reading far more records than usual raises an alert to administrators.
    name: 'audit.access-volume',
    cron: '*/10 * * * *',
    catchUpMs: 30 * 60_000,
    async handler(_payload, run) {
      const raised = await checkAccessVolumes(run.ctx);
      if (raised.length > 0) run.ctx.log.warn({ job: 'audit.access-volume', alerts: raised.length }, 'abnormal access volume: alert raised');
    },
  },
];
