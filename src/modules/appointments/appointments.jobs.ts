/**
 * Background work of the appointments module:
 *
 * - `appointments.waitlist-match` (enqueued in the transaction that frees a seat, with the site and service
 *   ids): offers free seats to the waiting list;
 * - `appointments.reminders` (every 5 minutes): queues the reminders that are due (2 days and 2 hours before
 *   by default, `APPOINTMENT_REMINDERS`);
 * - `appointments.waitlist-sweep` (every 5 minutes): ends unclaimed offers and matches every list with
 *   someone waiting — the safety net if a match job was lost.
 */
import { isRandomId } from '../../core/crypto/random.ts';
import type { JobDefinition, ScheduleDefinition } from '../../core/jobs/job-queue.ts';
import { findService } from './appointments.services.ts';
import { MATCH_JOB, sendDueReminders } from './bookings.service.ts';
import { expireOffers, matchWaitlist, waitingPairs } from './waitlist.service.ts';

export const appointmentsJobs: JobDefinition[] = [
  {
    name: MATCH_JOB,
    maxAttempts: 3,
    async handler(payload, run) {
      const { siteId, serviceId } = payload;
      // A payload that names nothing we know is dropped, not retried.
      if (typeof siteId !== 'string' || !isRandomId(siteId) || typeof serviceId !== 'string' || !findService(serviceId)) return;
      const offered = await matchWaitlist(run.ctx, siteId, serviceId);
      if (offered > 0) run.ctx.log.info({ job: MATCH_JOB, offered }, 'waiting-list offers made');
    },
  },
];

export const appointmentsSchedules: ScheduleDefinition[] = [
  {
    name: 'appointments.reminders',
    cron: '*/5 * * * *',
    catchUpMs: 30 * 60_000,
    maxAttempts: 1,
    async handler(_payload, run) {
      const sent = await sendDueReminders(run.ctx, { limit: 500 });
      if (sent > 0) run.ctx.log.info({ job: 'appointments.reminders', sent }, 'appointment reminders queued');
    },
  },
  {
    name: 'appointments.waitlist-sweep',
    cron: '*/5 * * * *',
    catchUpMs: 30 * 60_000,
    maxAttempts: 1,
    async handler(_payload, run) {
      const expired = await expireOffers(run.ctx);
      let offered = 0;
      for (const { siteId, serviceId } of await waitingPairs(run.ctx)) {
        if (findService(serviceId)) offered += await matchWaitlist(run.ctx, siteId, serviceId);
      }
      if (expired + offered > 0) run.ctx.log.info({ job: 'appointments.waitlist-sweep', expired, offered }, 'waiting list swept');
    },
  },
];
