import { clocksRepo } from '../../core/clocks/clocks.repo.ts';
import type { Executor } from '../../core/db/transaction.ts';
import type { RetentionPolicy } from '../../core/privacy/retention.ts';
import { CLOCK_OWNER, CLOCK_RECORD_TYPES } from './u-visa.clocks.ts';
import { U_VISA_RETENTION_DAYS } from './u-visa.service.ts';

/**
 * Decided requests are forgotten `U_VISA_RETENTION_DAYS` after the decision became final (`closed_at`): the
 * purge forgets the request's vault subject — its key is destroyed and its rows (family members, history)
 * deleted — and then deletes the clocks that timed it, which name it by id. Open requests have no
 * `closed_at`, so they are never purged while staff work them; a reconsideration clears it. A recorded court
 * order can hold a request (legal hold).
 */
export const uVisaRetention: RetentionPolicy[] = [
  {
    recordType: 'u-visa.request',
    table: 'u_visa_requests',
    basis: 'closed_at',
    days: U_VISA_RETENTION_DAYS,
    descriptionKey: 'u-visa.retention.request',
    shredSubjects: { column: 'id' },
    async deleteRows(tx: Executor, ids: readonly (string | number)[]) {
      const recordIds = ids.map(String);
      for (const recordType of Object.values(CLOCK_RECORD_TYPES)) await clocksRepo.deleteForRecords(tx, CLOCK_OWNER, recordType, recordIds);
      // The request rows went with their subject; delete any left (a subject forgotten earlier by other means).
      await tx.deleteFrom('u_visa_requests').where('id', 'in', recordIds).execute();
      return recordIds.length;
    },
  },
];
