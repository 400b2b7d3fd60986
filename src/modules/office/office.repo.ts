/**
 * Data access for `office_requests`. Sealed columns pass through as opaque text: this file never decrypts.
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../core/db/transaction.ts';
import type { OfficeTopic, RequestStatus } from './office.schemas.ts';

export interface OfficeRequestTable {
  id: string;
  reference_index: string;
  topic: string;
  language: string;
  contact_method: string;
  name_sealed: string | null;
  contact_sealed: string | null;
  description_sealed: string | null;
  language_other_sealed: string | null;
  status: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

declare module '../../core/db/schema.ts' {
  interface Database {
    office_requests: OfficeRequestTable;
  }
}

export type OfficeRequestRow = Selectable<OfficeRequestTable>;

/** What the queue shows: categories and dates only, nothing sealed. */
export type OfficeRequestSummaryRow = Pick<OfficeRequestRow, 'id' | 'topic' | 'language' | 'contact_method' | 'status' | 'created_at' | 'updated_at'>;

export interface QueueFilter {
  topic?: OfficeTopic;
  status?: RequestStatus;
}

export const officeRepo = {
  async insert(db: Executor, row: Insertable<OfficeRequestTable>): Promise<void> {
    await db.insertInto('office_requests').values(row).execute();
  },

  async findById(db: Executor, id: string): Promise<OfficeRequestRow | undefined> {
    return db.selectFrom('office_requests').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Status and dates of the request with this reference index (the resident's status page). */
  async findStatusByReference(
    db: Executor,
    referenceIndex: string,
  ): Promise<Pick<OfficeRequestRow, 'status' | 'created_at' | 'updated_at'> | undefined> {
    return db
      .selectFrom('office_requests')
      .select(['status', 'created_at', 'updated_at'])
      .where('reference_index', '=', referenceIndex)
      .executeTakeFirst();
  },

  /** One page of the queue, newest first, with the total count for pagination. */
  async listQueue(db: Executor, filter: QueueFilter, page: { limit: number; offset: number }): Promise<{ rows: OfficeRequestSummaryRow[]; total: number }> {
    let base = db.selectFrom('office_requests');
    if (filter.topic) base = base.where('topic', '=', filter.topic);
    if (filter.status) base = base.where('status', '=', filter.status);
    const rows = await base
      .select(['id', 'topic', 'language', 'contact_method', 'status', 'created_at', 'updated_at'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { rows, total: Number(count.n) };
  },

  async updateStatus(
    db: Executor,
    id: string,
    values: { status: RequestStatus; updated_at: string; closed_at: string | null },
  ): Promise<boolean> {
    const r = await db.updateTable('office_requests').set(values).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

};
