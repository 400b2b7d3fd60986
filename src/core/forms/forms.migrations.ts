import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../db/migrator.ts';

/**
 * `form_drafts`: one row per person filling in a guided form, until they send it or it expires.
 *
 * Nothing in a row is readable without the keys: the answers are in `sealed` (written only through
 * `draft-crypto.ts`), the browser token and the resume code are stored as a hash and a keyed blind index.
 * After sending, the answers are replaced by a receipt (the reference code, sealed) kept for an hour so the
 * confirmation page survives a refresh; the purge deletes the row afterwards.
 */
export const formsMigrations: NamedMigrations = {
  '202611270200_forms_drafts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('form_drafts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('form_id', 'text', (c) => c.notNull())
        .addColumn('form_version', 'integer', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('resume_index', 'text', (c) => c.unique())
        .addColumn('sealed', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'text')
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('form_drafts_expires').on('form_drafts').column('expires_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('form_drafts').execute();
    },
  },
};
