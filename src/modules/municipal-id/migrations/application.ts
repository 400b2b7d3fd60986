import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../../core/db/migrator.ts';

/**
 * Migrations of the municipal ID's application and residency parts.
 *
 * `address_points`: the county's public address points (`sanctuary id import-addresses`), looked up by a
 * normalised key. Public data, no personal data. Coordinates in integer micro-degrees (portable, exact).
 *
 * `id_applications`: one row per application; the row is its own vault subject (program `municipal-id`), so
 * forgetting it — the retention purge a configurable time after the decision, or on request — destroys the key
 * of its sealed columns. Columns:
 *
 * - `reference_index`: keyed blind index of the reference code (a bearer secret, never stored).
 * - `duplicate_index`: keyed blind index of (name, date of birth), for duplicate detection inside this program.
 * - `*_sealed`: name, date of birth, address, contact, designations, document plan, fee waiver, decision note.
 * - `ward`, `precinct`: coarse public geography for statistics (no coordinates are kept).
 * - `status`, `housing`, `location_status`, `match_quality`, `language`, `fee_variant`, `contact_method`:
 *   categories in plain text for queues and aggregate figures; none identifies a person.
 * - `purge_after`: when the application is forgotten (decision + retention; or, undecided, its last step + the
 *   abandoned-application period).
 */
export const applicationMigrations: NamedMigrations = {
  '202612010100_municipal_id_address_points': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('address_points')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('street_key', 'text', (c) => c.notNull())
        .addColumn('loose_key', 'text', (c) => c.notNull())
        .addColumn('unit_key', 'text', (c) => c.notNull())
        .addColumn('zip', 'text', (c) => c.notNull())
        .addColumn('municipality', 'text', (c) => c.notNull())
        .addColumn('lon_e6', 'integer', (c) => c.notNull())
        .addColumn('lat_e6', 'integer', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('import_id', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('address_points_street').on('address_points').columns(['street_key', 'zip']).execute();
      await db.schema.createIndex('address_points_loose').on('address_points').column('loose_key').execute();
      await db.schema.createIndex('address_points_import').on('address_points').columns(['source', 'import_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('address_points').execute();
    },
  },
  '202612010110_municipal_id_applications': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('id_applications')
        .addColumn('id', 'text', (c) => c.primaryKey().references('subjects.id'))
        .addColumn('reference_index', 'text', (c) => c.notNull().unique())
        .addColumn('duplicate_index', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('housing', 'text', (c) => c.notNull())
        .addColumn('location_status', 'text', (c) => c.notNull())
        .addColumn('match_quality', 'text')
        .addColumn('ward', 'integer')
        .addColumn('precinct', 'text')
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('form_locale', 'text', (c) => c.notNull())
        .addColumn('fee_variant', 'text', (c) => c.notNull())
        .addColumn('fee_cents', 'integer', (c) => c.notNull())
        .addColumn('contact_method', 'text', (c) => c.notNull())
        .addColumn('name_sealed', 'text', (c) => c.notNull())
        .addColumn('birth_date_sealed', 'text', (c) => c.notNull())
        .addColumn('address_sealed', 'text')
        .addColumn('contact_sealed', 'text')
        .addColumn('designations_sealed', 'text')
        .addColumn('document_plan_sealed', 'text', (c) => c.notNull())
        .addColumn('fee_waiver_sealed', 'text')
        .addColumn('appointment_id', 'text')
        .addColumn('decision_reason', 'text')
        .addColumn('decision_note_sealed', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('booked_at', 'text')
        .addColumn('enrolled_at', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('card_ready_at', 'text')
        .addColumn('purge_after', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('id_applications_queue').on('id_applications').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('id_applications_duplicate').on('id_applications').column('duplicate_index').execute();
      await db.schema.createIndex('id_applications_purge').on('id_applications').column('purge_after').execute();
      await db.schema.createIndex('id_applications_location').on('id_applications').columns(['location_status', 'created_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('id_applications').execute();
    },
  },
};
