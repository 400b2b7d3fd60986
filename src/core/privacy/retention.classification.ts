import { defineClassification } from './classification.ts';

/** Classification of the retention engine's own tables. */
export const retentionClassification = defineClassification([
  {
    table: 'purge_receipts',
    class: 'public',
    purpose: 'Proof that scheduled deletion happened: counts per record type and run, never a record id or value',
    retention: 'For the life of the system (published in the transparency report)',
    columns: {
      id: 'Random receipt id',
      run_id: 'The purge run it belongs to',
      record_type: 'Kind of record purged (a code)',
      days: 'Retention period applied',
      cutoff: 'Records older than this were due',
      deleted: 'How many were deleted',
      held: 'How many were kept under a legal hold',
      subjects_forgotten: 'How many people were crypto-shredded with their records',
      outcome: 'done or failed',
      trigger: 'schedule or operator',
      started_at: 'Start time',
      finished_at: 'End time',
      duration_ms: 'How long it took',
    },
  },
  {
    table: 'legal_holds',
    class: 'confidential',
    purpose: 'Records a recorded, counsel-approved court order keeps from scheduled deletion',
    retention: 'Until the court order is lifted, then with the records it held',
    columns: {
      id: 'Random hold id',
      record_type: 'Kind of record held (a code; core.subject holds a whole person)',
      record_id: 'Random id of the record held',
      demand_id: 'The court-order demand that requires it',
      placed_by: 'Staff user who placed it',
      placed_at: 'When',
      released_by: 'Staff user who released it',
      released_at: 'When it was released',
    },
  },
]);
