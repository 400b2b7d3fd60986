/**
 * Data access for the walk-in queue: ticket numbers, languages and times — nothing about the person.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../core/db/transaction.ts';

export interface WalkInTable {
  id: string;
  site_id: string;
  local_date: string;
  ticket: number;
  language: string;
  status: string;
  created_at: string;
  called_at: string | null;
  finished_at: string | null;
}

declare module '../../core/db/schema.ts' {
  interface Database {
    appointment_walkins: WalkInTable;
  }
}

export type WalkInRow = Selectable<WalkInTable>;

export const walkinsRepo = {
  async lastTicket(db: Executor, siteId: string, localDate: string): Promise<number> {
    const r = await db
      .selectFrom('appointment_walkins')
      .select((eb) => eb.fn.max<number | null>('ticket').as('n'))
      .where('site_id', '=', siteId)
      .where('local_date', '=', localDate)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  },

  async insert(db: Executor, row: Insertable<WalkInTable>): Promise<void> {
    await db.insertInto('appointment_walkins').values(row).execute();
  },

  async findById(db: Executor, id: string): Promise<WalkInRow | undefined> {
    return db.selectFrom('appointment_walkins').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async listDay(db: Executor, siteId: string, localDate: string): Promise<WalkInRow[]> {
    return db.selectFrom('appointment_walkins').selectAll().where('site_id', '=', siteId).where('local_date', '=', localDate).orderBy('ticket').execute();
  },

  /** The longest-waiting ticket (optionally of one language). */
  async nextWaiting(db: Executor, siteId: string, localDate: string, language?: string): Promise<WalkInRow | undefined> {
    let q = db.selectFrom('appointment_walkins').selectAll().where('site_id', '=', siteId).where('local_date', '=', localDate).where('status', '=', 'waiting');
    if (language) q = q.where('language', '=', language);
    return q.orderBy('ticket').limit(1).executeTakeFirst();
  },

  async update(db: Executor, id: string, values: Updateable<WalkInTable>, fromStatuses: readonly string[]): Promise<boolean> {
    const r = await db.updateTable('appointment_walkins').set(values).where('id', '=', id).where('status', 'in', fromStatuses).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async forReport(db: Executor, from: string, to: string, siteId?: string): Promise<Array<Pick<WalkInRow, 'site_id' | 'status' | 'created_at' | 'called_at'>>> {
    let q = db.selectFrom('appointment_walkins').select(['site_id', 'status', 'created_at', 'called_at']).where('created_at', '>=', from).where('created_at', '<', to);
    if (siteId) q = q.where('site_id', '=', siteId);
    return q.execute();
  },
};
