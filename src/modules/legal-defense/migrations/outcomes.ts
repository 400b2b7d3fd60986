import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../../core/db/migrator.ts';

/**
 * Closing a represented case, and the indexes the public outcomes page reads.
 *
 * - `closing_reason` (a code) and `closed_on` (the local day the representation ended, as the attorney or
 *   program staff give it). `closed_at` — when the case was closed in the system — already exists and is what
 *   retention counts from.
 * - The outcomes page groups every case of the last three years by the quarter of its first report and counts
 *   plain codes (representation, custody, outcome, the time to a first attorney contact). One index holds all
 *   of those columns, so the page reads the index alone and never the case rows with their sealed values; a
 *   second one serves the count of reports per quarter.
 */
export const legalDefenseOutcomeMigrations: NamedMigrations = {
  '202612051100_legal_defense_closing': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('legal_defense_cases').addColumn('closing_reason', 'text').execute();
      await db.schema.alterTable('legal_defense_cases').addColumn('closed_on', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('legal_defense_cases').dropColumn('closed_on').execute();
      await db.schema.alterTable('legal_defense_cases').dropColumn('closing_reason').execute();
    },
  },
  '202612051110_legal_defense_outcome_indexes': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('legal_defense_cases_outcomes')
        .on('legal_defense_cases')
        .columns(['created_at', 'attorney_user_id', 'custody', 'outcome', 'first_contact_at'])
        .execute();
      await db.schema.createIndex('legal_defense_reports_received').on('legal_defense_reports').column('received_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('legal_defense_reports_received').execute();
      await db.schema.dropIndex('legal_defense_cases_outcomes').execute();
    },
  },
};
