import { clocksRepo } from '../../core/clocks/clocks.repo.ts';
import type { Executor } from '../../core/db/transaction.ts';
import type { RetentionPolicy } from '../../core/privacy/retention.ts';
import { CASE_RETENTION_DAYS, CLOCK_OWNER, CLOCK_RECORD_TYPES, IDEMPOTENCY_DAYS } from './legal-defense.service.ts';

/**
 * Closed cases (not eligible, or closed after representation) are forgotten `CASE_RETENTION_DAYS` after
 * closing: the purge forgets the case's vault subject — its key is destroyed and its reports, offers and
 * history deleted — and then deletes the clocks that timed it (named by case and offer ids). Open cases have
 * no `closed_at` and are never purged while worked. Idempotency keys of the partner API go after two days.
 */
export const legalDefenseRetention: RetentionPolicy[] = [
  {
    recordType: 'legal-defense.case',
    table: 'legal_defense_cases',
    basis: 'closed_at',
    days: CASE_RETENTION_DAYS,
    descriptionKey: 'legal-defense.retention.case',
    shredSubjects: { column: 'id' },
    async deleteRows(tx: Executor, ids: readonly (string | number)[]) {
      const caseIds = ids.map(String);
      // Every kind of clock (contact, accept, court deadlines) names the case as its record.
      for (const recordType of Object.values(CLOCK_RECORD_TYPES)) await clocksRepo.deleteForRecords(tx, CLOCK_OWNER, recordType, caseIds);
      // The case rows went with their subject; delete any left (a subject forgotten earlier by other means).
      for (const t of ['legal_defense_proceedings', 'legal_defense_events', 'legal_defense_assignments', 'legal_defense_reports'] as const) await tx.deleteFrom(t).where('case_id', 'in', caseIds).execute();
      await tx.deleteFrom('legal_defense_cases').where('id', 'in', caseIds).execute();
      return caseIds.length;
    },
  },
  {
    recordType: 'legal-defense.idempotency',
    table: 'legal_defense_idempotency',
    basis: 'created_at',
    days: IDEMPOTENCY_DAYS,
    descriptionKey: 'legal-defense.retention.idempotency',
  },
  {
    // A queued report is filed within seconds; one that could not be filed in 30 days is forgotten with its key.
    recordType: 'legal-defense.intake',
    table: 'legal_defense_intake',
    basis: 'received_at',
    days: 30,
    descriptionKey: 'legal-defense.retention.intake',
    shredSubjects: { column: 'subject_id' },
  },
];
