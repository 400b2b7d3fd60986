import type { RetentionPolicy } from '../../core/privacy/retention.ts';
import { OFFICE_RETENTION_DAYS } from './office.service.ts';

/**
 * Closed requests are forgotten `OFFICE_RETENTION_DAYS` (180) after closing: the daily purge forgets the
 * request's vault subject, which destroys its key and deletes the row (`office_requests` is classified with
 * `subjectColumn: id`). Open requests have no `closed_at`, so they are never purged while staff work them; a
 * recorded court order can hold a request (legal hold, `core/privacy/retention.ts`).
 */
export const officeRetention: RetentionPolicy[] = [
  {
    recordType: 'office.request',
    table: 'office_requests',
    basis: 'closed_at',
    days: OFFICE_RETENTION_DAYS,
    descriptionKey: 'office.retention.request',
    shredSubjects: { column: 'id' },
  },
];
