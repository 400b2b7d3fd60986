import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../../core/db/migrator.ts';

/**
 * `office_requests`: one row per "Ask the Office for help" request. The row is its own vault subject (same
 * id in `subjects`), so forgetting it — by the retention purge or on request — destroys the key of its sealed
 * columns. Columns:
 *
 * - `reference_index`: keyed blind index of the reference code (the code itself is a bearer secret, never stored).
 * - `topic`, `language`, `contact_method`, `status`: categories in plain text, for the queue's filters and
 *   aggregate statistics; none identifies a person.
 * - `*_sealed`: the person's name, contact value, free-text description and "other" language, sealed.
 * - `closed_at`: set when staff close the request; the retention policy forgets it 180 days later.
 */
export const officeMigrations: NamedMigrations = {
  '202611280100_office_requests': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('office_requests')
        .addColumn('id', 'text', (c) => c.primaryKey().references('subjects.id'))
        .addColumn('reference_index', 'text', (c) => c.notNull().unique())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('contact_method', 'text', (c) => c.notNull())
        .addColumn('name_sealed', 'text')
        .addColumn('contact_sealed', 'text')
        .addColumn('description_sealed', 'text')
        .addColumn('language_other_sealed', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .execute();
      await db.schema.createIndex('office_requests_queue').on('office_requests').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('office_requests_created').on('office_requests').column('created_at').execute();
      await db.schema.createIndex('office_requests_closed').on('office_requests').column('closed_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('office_requests').execute();
    },
  },
};
