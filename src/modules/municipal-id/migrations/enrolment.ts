import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../../core/db/migrator.ts';

/**
 * The enrolment part of the municipal ID (`enrolment/`): what staff checked at the enrolment desk.
 *
 * `id_enrolments`: one row per application that staff enrolled, keyed by the application's id — which is also
 * the application's vault subject, so the row is sealed under the application's key and forgotten with it
 * (the application's retention, 30 days after the decision by default). Columns:
 *
 * - `documents_sealed`: the document *types* checked and their points (JSON), sealed — never a copy, a scan, a
 *   photo or a number of a document (the types alone can say something about a person: "foreign passport").
 * - `identity_points`, `residency_points`: the totals, for the queue and the decision (numbers only).
 * - `document_index`: a keyed blind index of one document's type and number, only when staff enter it to
 *   catch a second card for the same document; the number itself is never stored.
 * - `fee_waiver`: whether the claimed waiver was verified (`not-claimed`, `verified`, `not-verified`).
 * - `photo_sealed`: the holder's photo as re-encoded (no metadata), sealed, until the decision: it moves to the
 *   card holder's record on approval and is erased on denial.
 * - `duplicates_checked_at/_by`: staff looked at the possible duplicates and found they are other people.
 * - `enrolled_by`, `portrait_taken_by`: staff user ids ("type X checked by staff Y on date Z").
 */
export const enrolmentMigrations: NamedMigrations = {
  '202612010200_municipal_id_enrolments': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('id_enrolments')
        .addColumn('application_id', 'text', (c) => c.primaryKey().references('subjects.id'))
        .addColumn('identity_confirmed', 'integer', (c) => c.notNull())
        .addColumn('documents_sealed', 'text')
        .addColumn('identity_points', 'integer', (c) => c.notNull())
        .addColumn('residency_points', 'integer', (c) => c.notNull())
        .addColumn('document_index', 'text')
        .addColumn('fee_waiver', 'text', (c) => c.notNull())
        .addColumn('photo_sealed', 'text')
        .addColumn('duplicates_checked_at', 'text')
        .addColumn('duplicates_checked_by', 'text')
        .addColumn('enrolled_at', 'text')
        .addColumn('enrolled_by', 'text')
        .addColumn('portrait_taken_at', 'text')
        .addColumn('portrait_taken_by', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('id_enrolments_document').on('id_enrolments').column('document_index').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('id_enrolments').execute();
    },
  },
};
