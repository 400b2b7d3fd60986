import type { RetentionPolicy } from '../../../core/privacy/retention.ts';
import { APPLICATION_RECORD } from './application.service.ts';

/**
 * Applications are forgotten when `purge_after` passes: the decision + the retention days of the jurisdiction
 * (default 30; `decisionRetentionDays`), or — for an application nobody decided — its last step + 180 days.
 * `purge_after` is computed when the application changes, so a different period in the profile applies to the
 * decisions made after it changed; the policy itself counts 0 days from it. The daily purge forgets the
 * application's vault subject: its key is destroyed and its row deleted (`id_applications` is classified with
 * `subjectColumn: id`), with the booking made for it. The card record, kept by the enrolment part under its
 * own subject, is not touched. A recorded court order can hold an application (legal hold).
 */
export const applicationRetention: RetentionPolicy[] = [
  {
    recordType: APPLICATION_RECORD,
    table: 'id_applications',
    basis: 'purge_after',
    days: 0,
    descriptionKey: 'municipalId.retention.application',
    shredSubjects: { column: 'id' },
  },
];
