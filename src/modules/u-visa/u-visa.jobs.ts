/**
 * The module's background work: sending decision letters (Chromium printing is too slow for the request
 * that decides), and keeping the queue's order in step with the deadline engine (a profile change
 * recomputes due dates there; this copies them into the queue's sort key), and sealing age-out clocks kept
 * from before the deadline engine sealed dates of birth.
 */
import { isRandomId } from '../../core/crypto/random.ts';
import type { JobDefinition, ScheduleDefinition } from '../../core/jobs/job-queue.ts';
import { CLOCK_OWNER, CLOCK_RECORD_TYPES } from './u-visa.clocks.ts';
import { LETTER_JOB } from './u-visa.decisions.ts';
import { sendDecisionLetter } from './u-visa.documents.tsx';
import { uVisaRepo } from './u-visa.repo.ts';

export const uVisaJobs: JobDefinition[] = [
  {
    name: LETTER_JOB,
    maxAttempts: 5,
    async handler(payload, run) {
      const requestId = (payload as { requestId?: unknown }).requestId;
      if (typeof requestId !== 'string' || !isRandomId(requestId)) return;
      await sendDecisionLetter(run.ctx, requestId);
    },
  },
];

export const uVisaSchedules: ScheduleDefinition[] = [
  {
    name: 'u-visa.sync-queue',
    cron: '7 * * * *',
    maxAttempts: 1,
    async handler(_payload, run) {
      const changed = await uVisaRepo.syncDueTimes(run.ctx.db.kysely);
      if (changed > 0) run.ctx.log.info({ job: 'u-visa.sync-queue', changed }, 'queue order updated from the clocks');
      // Age-out clocks written before the engine sealed them: seal them under the request's subject.
      const sealed = await run.ctx.clocks.sealExisting({ owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.ageOut, subjectOf: (requestId) => requestId });
      if (sealed > 0) run.ctx.log.info({ job: 'u-visa.sync-queue', sealed }, 'age-out clocks sealed');
    },
  },
];
