import type { RetentionPolicy } from '../privacy/retention.ts';

/** Finished jobs are kept 30 days (to see what ran and what failed), then purged. */
export const jobsRetention: RetentionPolicy[] = [
  { recordType: 'core.jobs', table: 'jobs', basis: 'finished_at', days: 30, descriptionKey: 'retention.policy.core-jobs' },
];
