/**
 * Data access for bookings and the seat counters that keep slots from being overbooked. The contact column
 * passes through sealed: this file never decrypts.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../core/db/transaction.ts';

export interface SlotCounterTable {
  site_id: string;
  service_id: string;
  starts_at: string;
  capacity: number;
  booked: number;
}

export interface BookingTable {
  id: string;
  subject_id: string;
  owned_subject_id: string | null;
  reference_index: string;
  reference_hint: string;
  site_id: string;
  service_id: string;
  starts_at: string;
  ends_at: string;
  local_date: string;
  locale: string;
  language: string;
  contact_channel: string;
  contact_sealed: string | null;
  purpose_ref: string | null;
  status: string;
  sequence: number;
  next_reminder_at: string | null;
  arrived_at: string | null;
  served_at: string | null;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../core/db/schema.ts' {
  interface Database {
    appointment_slot_counters: SlotCounterTable;
    appointment_bookings: BookingTable;
  }
}

export type BookingRow = Selectable<BookingTable>;
export type SlotCounterRow = Selectable<SlotCounterTable>;

/** A slot's seat counter key. */
export interface SlotKey {
  siteId: string;
  serviceId: string;
  startsAt: string;
}

/** What staff lists show: no sealed column. */
export type BookingListRow = Omit<BookingRow, 'contact_sealed' | 'subject_id' | 'owned_subject_id' | 'reference_index'>;

const LIST_COLUMNS = [
  'id',
  'reference_hint',
  'site_id',
  'service_id',
  'starts_at',
  'ends_at',
  'local_date',
  'locale',
  'language',
  'contact_channel',
  'purpose_ref',
  'status',
  'sequence',
  'next_reminder_at',
  'arrived_at',
  'served_at',
  'cancelled_at',
  'created_at',
  'updated_at',
] as const;

export const bookingsRepo = {
  /** Creates the slot's counter with `capacity` if it does not exist yet (concurrent creators agree: first wins). */
  async ensureCounter(db: Executor, key: SlotKey, capacity: number): Promise<void> {
    await db
      .insertInto('appointment_slot_counters')
      .values({ site_id: key.siteId, service_id: key.serviceId, starts_at: key.startsAt, capacity, booked: 0 })
      .onConflict((oc) => oc.columns(['site_id', 'service_id', 'starts_at']).doNothing())
      .execute();
  },

  /**
   * Takes one seat if one is free: a single conditional update, so two transactions can never both take the
   * last seat (PostgreSQL re-checks the condition after waiting for the row lock; SQLite runs one writer at a
   * time). Returns whether a seat was taken.
   */
  async takeSeat(db: Executor, key: SlotKey): Promise<boolean> {
    const r = await db
      .updateTable('appointment_slot_counters')
      .set((eb) => ({ booked: eb('booked', '+', 1) }))
      .where('site_id', '=', key.siteId)
      .where('service_id', '=', key.serviceId)
      .where('starts_at', '=', key.startsAt)
      .whereRef('booked', '<', 'capacity')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /** Gives one seat back. Returns whether there was one to give. */
  async releaseSeat(db: Executor, key: SlotKey): Promise<boolean> {
    const r = await db
      .updateTable('appointment_slot_counters')
      .set((eb) => ({ booked: eb('booked', '-', 1) }))
      .where('site_id', '=', key.siteId)
      .where('service_id', '=', key.serviceId)
      .where('starts_at', '=', key.startsAt)
      .where('booked', '>', 0)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async counter(db: Executor, key: SlotKey): Promise<SlotCounterRow | undefined> {
    return db
      .selectFrom('appointment_slot_counters')
      .selectAll()
      .where('site_id', '=', key.siteId)
      .where('service_id', '=', key.serviceId)
      .where('starts_at', '=', key.startsAt)
      .executeTakeFirst();
  },

  /** Counters of slots starting in [from, to) for the sites given (all when empty). */
  async countersBetween(db: Executor, serviceId: string, siteIds: readonly string[], from: string, to: string): Promise<SlotCounterRow[]> {
    let q = db.selectFrom('appointment_slot_counters').selectAll().where('service_id', '=', serviceId).where('starts_at', '>=', from).where('starts_at', '<', to);
    if (siteIds.length > 0) q = q.where('site_id', 'in', siteIds);
    return q.execute();
  },

  /** Sets the capacity of the site's future slots of a service (a staff change of capacity). */
  async setFutureCapacity(db: Executor, siteId: string, serviceId: string, fromIso: string, capacity: number): Promise<void> {
    await db
      .updateTable('appointment_slot_counters')
      .set({ capacity })
      .where('site_id', '=', siteId)
      .where('service_id', '=', serviceId)
      .where('starts_at', '>=', fromIso)
      .execute();
  },

  async insert(db: Executor, row: Insertable<BookingTable>): Promise<void> {
    await db.insertInto('appointment_bookings').values(row).execute();
  },

  async findById(db: Executor, id: string): Promise<BookingRow | undefined> {
    return db.selectFrom('appointment_bookings').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async findByReferenceIndex(db: Executor, index: string): Promise<BookingRow | undefined> {
    return db.selectFrom('appointment_bookings').selectAll().where('reference_index', '=', index).executeTakeFirst();
  },

  /** Updates a booking if it is still in one of `fromStatuses` (guards against a concurrent change). */
  async update(db: Executor, id: string, values: Updateable<BookingTable>, fromStatuses: readonly string[]): Promise<boolean> {
    const r = await db.updateTable('appointment_bookings').set(values).where('id', '=', id).where('status', 'in', fromStatuses).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /** A site's bookings of one local day, in time order. */
  async listDay(db: Executor, siteId: string, localDate: string): Promise<BookingListRow[]> {
    return db
      .selectFrom('appointment_bookings')
      .select([...LIST_COLUMNS])
      .where('site_id', '=', siteId)
      .where('local_date', '=', localDate)
      .orderBy('starts_at')
      .orderBy('id')
      .execute();
  },

  /** Bookings whose next reminder is due, oldest first. */
  async dueReminders(db: Executor, nowIso: string, limit: number): Promise<BookingRow[]> {
    return db
      .selectFrom('appointment_bookings')
      .selectAll()
      .where('next_reminder_at', 'is not', null)
      .where('next_reminder_at', '<=', nowIso)
      .where('status', '=', 'booked')
      .orderBy('next_reminder_at')
      .limit(limit)
      .execute();
  },

  /** Moves a booking's reminder on, only if nobody else did (two workers never send the same reminder). */
  async advanceReminder(db: Executor, id: string, expected: string, next: string | null): Promise<boolean> {
    const r = await db
      .updateTable('appointment_bookings')
      .set({ next_reminder_at: next })
      .where('id', '=', id)
      .where('next_reminder_at', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /** Bookings of appointments starting in [from, to), for reports: categories and times only. */
  async forReport(db: Executor, from: string, to: string, siteId?: string): Promise<Array<Pick<BookingRow, 'site_id' | 'status' | 'starts_at' | 'created_at' | 'arrived_at' | 'served_at'>>> {
    let q = db
      .selectFrom('appointment_bookings')
      .select(['site_id', 'status', 'starts_at', 'created_at', 'arrived_at', 'served_at'])
      .where('starts_at', '>=', from)
      .where('starts_at', '<', to);
    if (siteId) q = q.where('site_id', '=', siteId);
    return q.execute();
  },
};
