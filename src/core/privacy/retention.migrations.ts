import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../db/migrator.ts';

/** Purge receipts (counts only) and legal holds (which records a court order keeps from deletion). */
export const retentionMigrations: NamedMigrations = {
  '202611270320_retention': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('purge_receipts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('record_type', 'text', (c) => c.notNull())
        .addColumn('days', 'integer', (c) => c.notNull())
        .addColumn('cutoff', 'text', (c) => c.notNull())
        .addColumn('deleted', 'integer', (c) => c.notNull())
        .addColumn('held', 'integer', (c) => c.notNull())
        .addColumn('subjects_forgotten', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('purge_receipts_run').on('purge_receipts').columns(['run_id']).execute();
      await db.schema.createIndex('purge_receipts_type').on('purge_receipts').columns(['record_type', 'started_at']).execute();

      await db.schema
        .createTable('legal_holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('record_type', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('demand_id', 'text', (c) => c.notNull())
        .addColumn('placed_by', 'text', (c) => c.notNull())
        .addColumn('placed_at', 'text', (c) => c.notNull())
        .addColumn('released_by', 'text')
        .addColumn('released_at', 'text')
        .execute();
      await db.schema.createIndex('legal_holds_record').on('legal_holds').columns(['record_type', 'record_id']).execute();
      await db.schema.createIndex('legal_holds_demand').on('legal_holds').columns(['demand_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('legal_holds').execute();
      await db.schema.dropTable('purge_receipts').execute();
    },
  },
};
