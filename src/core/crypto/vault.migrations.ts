import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../db/migrator.ts';

/** A subject in the main database: a person in one program. Holds no personal data and no key. */
export interface SubjectTable {
  /** Random id; the same id keys the subject's data key in the key vault. */
  id: string;
  /** Module id of the program the subject belongs to (no subject spans two programs). */
  program: string;
  created_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    subjects: SubjectTable;
  }
}

/**
 * The main database's list of subjects. Module tables reference `subjects.id`; the data keys themselves live
 * in the key vault database (see `vault-store.ts`), never here, so data backups carry no keys.
 */
export const vaultMigrations: NamedMigrations = {
  '202611270020_vault_subjects': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('subjects')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('program', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
};
