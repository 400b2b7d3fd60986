import { defineClassification } from '../privacy/classification.ts';

/**
 * Classification of the job queue. Payloads hold ids, codes and timestamps only (`job-payload.ts` refuses
 * anything else), errors are codes, so the table holds no personal data.
 */
export const jobsClassification = defineClassification([
  {
    table: 'jobs',
    class: 'nonpublic',
    purpose: 'Background work and its schedule: sending notices, purges, backups, checkpoints',
    retention: 'core.jobs',
    columns: {
      id: 'Random job id',
      name: 'Kind of job (a code such as privacy.retention-purge)',
      payload: 'Ids and codes the job needs (never personal values)',
      status: 'queued, running, done or failed',
      run_at: 'When the job is due',
      attempts: 'Tries so far',
      max_attempts: 'Tries allowed',
      locked_by: 'Worker running it (host:pid)',
      locked_until: 'When its lock expires if the worker dies',
      last_error: 'Error code of the last failed try (never a message)',
      dedupe_key: 'Makes a scheduled or keyed job exist once',
      scheduled_for: 'The scheduled time of a recurring run',
      created_at: 'When queued',
      updated_at: 'Last change',
      finished_at: 'When it finished',
    },
  },
]);
