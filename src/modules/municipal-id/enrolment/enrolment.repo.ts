/**
 * Data access for `id_enrolments`. Sealed columns pass through as opaque text: this file never decrypts.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../../core/db/transaction.ts';

export interface IdEnrolmentTable {
  application_id: string;
  identity_confirmed: number;
  documents_sealed: string | null;
  identity_points: number;
  residency_points: number;
  document_index: string | null;
  fee_waiver: string;
  photo_sealed: string | null;
  duplicates_checked_at: string | null;
  duplicates_checked_by: string | null;
  enrolled_at: string | null;
  enrolled_by: string | null;
  portrait_taken_at: string | null;
  portrait_taken_by: string | null;
  updated_at: string;
}

declare module '../../../core/db/schema.ts' {
  interface Database {
    id_enrolments: IdEnrolmentTable;
  }
}

export type IdEnrolmentRow = Selectable<IdEnrolmentTable>;

export const enrolmentRepo = {
  async find(db: Executor, applicationId: string): Promise<IdEnrolmentRow | undefined> {
    return db.selectFrom('id_enrolments').selectAll().where('application_id', '=', applicationId).executeTakeFirst();
  },

  async insert(db: Executor, row: Insertable<IdEnrolmentTable>): Promise<void> {
    await db.insertInto('id_enrolments').values(row).execute();
  },

  async update(db: Executor, applicationId: string, changes: Updateable<IdEnrolmentTable>): Promise<void> {
    await db.updateTable('id_enrolments').set(changes).where('application_id', '=', applicationId).execute();
  },

  /** Other enrolments that entered the same document (blind index), other than `exceptId`. */
  async idsByDocumentIndex(db: Executor, documentIndex: string, exceptId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('id_enrolments')
      .select('application_id')
      .where('document_index', '=', documentIndex)
      .where('application_id', '<>', exceptId)
      .limit(50)
      .execute();
    return rows.map((r) => r.application_id);
  },
};
