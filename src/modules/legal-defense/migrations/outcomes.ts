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
  /**
   * The time from the first report to the first attorney contact, in whole seconds, kept when the contact is
   * recorded: the page groups it without date arithmetic (parsing two timestamps per case cost more than the
   * rest of the page). Filled in for contacts recorded before; the outcomes index holds it instead of the time,
   * and each case's revision, which tells the page's cache that a case changed.
   */
  '202612051120_legal_defense_contact_seconds': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('legal_defense_cases').addColumn('first_contact_seconds', 'integer').execute();
      const typed = db as unknown as Kysely<{ legal_defense_cases: { id: string; created_at: string; first_contact_at: string | null; first_contact_seconds: number | null } }>;
      const rows = await typed.selectFrom('legal_defense_cases').select(['id', 'created_at', 'first_contact_at']).where('first_contact_at', 'is not', null).execute();
      for (const r of rows) {
        await typed.updateTable('legal_defense_cases').set({ first_contact_seconds: contactSeconds(r.created_at, r.first_contact_at as string) }).where('id', '=', r.id).execute();
      }
      await db.schema.dropIndex('legal_defense_cases_outcomes').execute();
      await db.schema
        .createIndex('legal_defense_cases_outcomes')
        .on('legal_defense_cases')
        .columns(['created_at', 'attorney_user_id', 'custody', 'outcome', 'first_contact_seconds', 'revision'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('legal_defense_cases_outcomes').execute();
      await db.schema.createIndex('legal_defense_cases_outcomes').on('legal_defense_cases').columns(['created_at', 'attorney_user_id', 'custody', 'outcome', 'first_contact_at']).execute();
      await db.schema.alterTable('legal_defense_cases').dropColumn('first_contact_seconds').execute();
    },
  },
};

/** Whole seconds from the first report to the first attorney contact, as this migration computed them (frozen here). */
function contactSeconds(reportedAt: string, contactAt: string): number {
  return Math.max(0, Math.round((Date.parse(contactAt) - Date.parse(reportedAt)) / 1000));
}
