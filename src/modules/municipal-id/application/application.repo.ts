/**
 * Data access for `id_applications`. Sealed columns pass through as opaque text: this file never decrypts.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../../core/db/transaction.ts';

export interface IdApplicationTable {
  id: string;
  reference_index: string;
  duplicate_index: string;
  status: string;
  housing: string;
  location_status: string;
  match_quality: string | null;
  ward: number | null;
  precinct: string | null;
  language: string;
  form_locale: string;
  fee_variant: string;
  fee_cents: number;
  contact_method: string;
  name_sealed: string;
  birth_date_sealed: string;
  address_sealed: string | null;
  contact_sealed: string | null;
  designations_sealed: string | null;
  document_plan_sealed: string;
  fee_waiver_sealed: string | null;
  appointment_id: string | null;
  decision_reason: string | null;
  decision_note_sealed: string | null;
  created_at: string;
  updated_at: string;
  booked_at: string | null;
  enrolled_at: string | null;
  decided_at: string | null;
  card_ready_at: string | null;
  purge_after: string;
}

declare module '../../../core/db/schema.ts' {
  interface Database {
    id_applications: IdApplicationTable;
  }
}

export type IdApplicationRow = Selectable<IdApplicationTable>;

/** What the resident's status page and the booking page read: no sealed value. */
export type ApplicationStatusRow = Pick<
  IdApplicationRow,
  'id' | 'status' | 'housing' | 'location_status' | 'language' | 'form_locale' | 'contact_method' | 'appointment_id' | 'created_at' | 'updated_at' | 'decided_at'
>;

/** A row of the staff placement queue: categories and dates only. */
export type PlacementQueueRow = Pick<IdApplicationRow, 'id' | 'status' | 'location_status' | 'match_quality' | 'created_at'>;

const STATUS_COLUMNS = [
  'id',
  'status',
  'housing',
  'location_status',
  'language',
  'form_locale',
  'contact_method',
  'appointment_id',
  'created_at',
  'updated_at',
  'decided_at',
] as const;

export const applicationRepo = {
  async insert(db: Executor, row: Insertable<IdApplicationTable>): Promise<void> {
    await db.insertInto('id_applications').values(row).execute();
  },

  async findById(db: Executor, id: string): Promise<IdApplicationRow | undefined> {
    return db.selectFrom('id_applications').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async findStatusById(db: Executor, id: string): Promise<ApplicationStatusRow | undefined> {
    return db.selectFrom('id_applications').select(STATUS_COLUMNS).where('id', '=', id).executeTakeFirst();
  },

  async findStatusByReference(db: Executor, referenceIndex: string): Promise<ApplicationStatusRow | undefined> {
    return db.selectFrom('id_applications').select(STATUS_COLUMNS).where('reference_index', '=', referenceIndex).executeTakeFirst();
  },

  /** Ids of applications with this duplicate index, other than `exceptId`. */
  async idsByDuplicateIndex(db: Executor, duplicateIndex: string, exceptId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('id_applications')
      .select('id')
      .where('duplicate_index', '=', duplicateIndex)
      .where('id', '<>', exceptId)
      .orderBy('created_at')
      .limit(50)
      .execute();
    return rows.map((r) => r.id);
  },

  /** Updates one application if it is in one of `fromStatuses` (a guard against racing changes). Returns whether it did. */
  async update(db: Executor, id: string, changes: Updateable<IdApplicationTable>, fromStatuses?: readonly string[]): Promise<boolean> {
    let q = db.updateTable('id_applications').set(changes).where('id', '=', id);
    if (fromStatuses) q = q.where('status', 'in', [...fromStatuses]);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Applications whose location staff must place or review, oldest first. */
  async placementQueue(db: Executor, options: { limit: number; offset: number }): Promise<{ rows: PlacementQueueRow[]; total: number }> {
    const base = db.selectFrom('id_applications').where('location_status', 'in', ['unmatched', 'review']).where('status', 'in', ['received', 'appointment-booked', 'enrolled']);
    const rows = await base
      .select(['id', 'status', 'location_status', 'match_quality', 'created_at'])
      .orderBy('created_at')
      .orderBy('id')
      .limit(options.limit)
      .offset(options.offset)
      .execute();
    const count = await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return { rows, total: Number(count.n) };
  },
};
