/**
 * Data access for the waiting list. The contact column passes through sealed: this file never decrypts.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../core/db/transaction.ts';

export interface WaitlistTable {
  id: string;
  reference_index: string;
  site_id: string;
  service_id: string;
  from_date: string;
  to_date: string;
  expires_at: string;
  locale: string;
  language: string;
  contact_channel: string;
  contact_sealed: string;
  status: string;
  queued_at: string;
  offer_starts_at: string | null;
  offer_token_hash: string | null;
  offer_expires_at: string | null;
  last_offer_starts_at: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../core/db/schema.ts' {
  interface Database {
    appointment_waitlist: WaitlistTable;
  }
}

export type WaitlistRow = Selectable<WaitlistTable>;

export const waitlistRepo = {
  async insert(db: Executor, row: Insertable<WaitlistTable>): Promise<void> {
    await db.insertInto('appointment_waitlist').values(row).execute();
  },

  async findById(db: Executor, id: string): Promise<WaitlistRow | undefined> {
    return db.selectFrom('appointment_waitlist').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async findByReferenceIndex(db: Executor, index: string): Promise<WaitlistRow | undefined> {
    return db.selectFrom('appointment_waitlist').selectAll().where('reference_index', '=', index).executeTakeFirst();
  },

  async findByOfferToken(db: Executor, tokenHash: string): Promise<WaitlistRow | undefined> {
    return db.selectFrom('appointment_waitlist').selectAll().where('offer_token_hash', '=', tokenHash).executeTakeFirst();
  },

  /** People waiting (not holding an offer) for a site and service, first come first served. */
  async waiting(db: Executor, siteId: string, serviceId: string, today: string, limit: number): Promise<WaitlistRow[]> {
    return db
      .selectFrom('appointment_waitlist')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('service_id', '=', serviceId)
      .where('status', '=', 'waiting')
      .where('to_date', '>=', today)
      .orderBy('queued_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  },

  /** Site/service pairs that have someone waiting (for the periodic matching run). */
  async pairsWaiting(db: Executor, today: string): Promise<Array<{ site_id: string; service_id: string }>> {
    return db
      .selectFrom('appointment_waitlist')
      .select(['site_id', 'service_id'])
      .distinct()
      .where('status', '=', 'waiting')
      .where('to_date', '>=', today)
      .execute();
  },

  /** Offers whose claim time is over. */
  async expiredOffers(db: Executor, nowIso: string, limit: number): Promise<WaitlistRow[]> {
    return db
      .selectFrom('appointment_waitlist')
      .selectAll()
      .where('status', '=', 'offered')
      .where('offer_expires_at', '<=', nowIso)
      .orderBy('offer_expires_at')
      .limit(limit)
      .execute();
  },

  /** Updates an entry if it is still in `fromStatus` (so two workers never act on one entry twice). */
  async update(db: Executor, id: string, values: Updateable<WaitlistTable>, fromStatus: string): Promise<boolean> {
    const r = await db.updateTable('appointment_waitlist').set(values).where('id', '=', id).where('status', '=', fromStatus).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async countWaiting(db: Executor, siteId: string, serviceId: string): Promise<number> {
    const r = await db
      .selectFrom('appointment_waitlist')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_id', '=', siteId)
      .where('service_id', '=', serviceId)
      .where('status', 'in', ['waiting', 'offered'])
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
};
