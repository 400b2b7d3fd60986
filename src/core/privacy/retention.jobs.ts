import type { ScheduleDefinition } from '../jobs/job-queue.ts';

/**
 * The daily purge (R26): every retention policy, with a receipt per policy and an audit entry per receipt.
 * A policy that fails leaves the others done; the job then fails with a code so it is retried with backoff
 * (the purge is idempotent).
 */
export const retentionSchedules: ScheduleDefinition[] = [
  {
    name: 'privacy.retention-purge',
    cron: '15 3 * * *',
    lockMs: 30 * 60_000,
    async handler(_payload, run) {
      const report = await run.ctx.retention.purge({ trigger: 'schedule' });
      const deleted = report.results.reduce((n, r) => n + r.deleted, 0);
      const held = report.results.reduce((n, r) => n + r.held, 0);
      run.ctx.log.info({ job: 'privacy.retention-purge', runId: report.runId, deleted, held, policies: report.results.length }, 'retention purge finished');
      if (!report.ok) {
        const failed = report.results.filter((r) => r.error).map((r) => `${r.recordType}:${r.error}`);
        run.ctx.log.error({ job: 'privacy.retention-purge', failed }, 'retention purge: some policies failed');
        throw Object.assign(new Error('some retention policies failed'), { code: 'purge_incomplete' });
      }
    },
  },
];
