/**
 * Data access for the card records (`id_card_holders`, `id_cards`, `id_card_counts`). Sealed columns pass
 * through as opaque text: this file never decrypts. Lists use keyset pagination on `(status, created_at, id)`,
 * never OFFSET, so the print queue costs the same on page 1 and page 1,000 of a million cards.
 */
import { type Insertable, type Selectable, type Updateable, sql } from 'kysely';
import type { Executor } from '../../../core/db/transaction.ts';

export interface IdCardHolderTable {
  id: string;
  person_index: string;
  document_index: string | null;
  name_sealed: string;
  birth_date_sealed: string;
  designations_sealed: string;
  photo_sealed: string;
  created_at: string;
  updated_at: string;
  forget_after: string | null;
}

export interface IdCardTable {
  id: string;
  holder_id: string;
  number_index: string;
  number_sealed: string;
  variant: string;
  status: string;
  issued_on: string;
  expires_on: string;
  credential_sealed: string;
  kid: string;
  rid: string;
  application_id: string | null;
  replaces_card_id: string | null;
  revocation_reason: string | null;
  print_count: number;
  created_at: string;
  updated_at: string;
  printed_at: string | null;
  handed_over_at: string | null;
  revoked_at: string | null;
}

export interface IdCardCountTable {
  month: string;
  ward: string;
  count: number;
}

declare module '../../../core/db/schema.ts' {
  interface Database {
    id_card_holders: IdCardHolderTable;
    id_cards: IdCardTable;
    id_card_counts: IdCardCountTable;
  }
}

export type IdCardHolderRow = Selectable<IdCardHolderTable>;
export type IdCardRow = Selectable<IdCardTable>;

/** A row of a card list: no sealed value. */
export type CardListRow = Pick<IdCardRow, 'id' | 'holder_id' | 'variant' | 'status' | 'issued_on' | 'expires_on' | 'print_count' | 'created_at' | 'replaces_card_id'>;

/** A keyset position: the last row of the previous page. */
export interface Keyset {
  createdAt: string;
  id: string;
}

const LIST_COLUMNS = ['id', 'holder_id', 'variant', 'status', 'issued_on', 'expires_on', 'print_count', 'created_at', 'replaces_card_id'] as const;

export const cardRepo = {
  async insertHolder(db: Executor, row: Insertable<IdCardHolderTable>): Promise<void> {
    await db.insertInto('id_card_holders').values(row).execute();
  },

  async findHolder(db: Executor, id: string): Promise<IdCardHolderRow | undefined> {
    return db.selectFrom('id_card_holders').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async updateHolder(db: Executor, id: string, changes: Updateable<IdCardHolderTable>): Promise<void> {
    await db.updateTable('id_card_holders').set(changes).where('id', '=', id).execute();
  },

  /** Holders with this person index (name + date of birth), at most 20. */
  async holdersByPersonIndex(db: Executor, personIndex: string): Promise<string[]> {
    const rows = await db.selectFrom('id_card_holders').select('id').where('person_index', '=', personIndex).limit(20).execute();
    return rows.map((r) => r.id);
  },

  /** Holders with this document index, at most 20. */
  async holdersByDocumentIndex(db: Executor, documentIndex: string): Promise<string[]> {
    const rows = await db.selectFrom('id_card_holders').select('id').where('document_index', '=', documentIndex).limit(20).execute();
    return rows.map((r) => r.id);
  },

  async insertCard(db: Executor, row: Insertable<IdCardTable>): Promise<void> {
    await db.insertInto('id_cards').values(row).execute();
  },

  async findCard(db: Executor, id: string): Promise<IdCardRow | undefined> {
    return db.selectFrom('id_cards').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async cardIdByNumberIndex(db: Executor, numberIndex: string): Promise<string | undefined> {
    const row = await db.selectFrom('id_cards').select('id').where('number_index', '=', numberIndex).executeTakeFirst();
    return row?.id;
  },

  /** The first card made from an application (cards carry the application's id while it is kept). */
  async cardOfApplication(db: Executor, applicationId: string): Promise<{ id: string; holderId: string } | null> {
    const row = await db.selectFrom('id_cards').select(['id', 'holder_id']).where('application_id', '=', applicationId).orderBy('created_at').executeTakeFirst();
    return row ? { id: row.id, holderId: row.holder_id } : null;
  },

  async numberIndexTaken(db: Executor, numberIndex: string): Promise<boolean> {
    return (await this.cardIdByNumberIndex(db, numberIndex)) !== undefined;
  },

  /** A holder's cards, newest first (list columns only). */
  async cardsOfHolder(db: Executor, holderId: string): Promise<CardListRow[]> {
    return db.selectFrom('id_cards').select(LIST_COLUMNS).where('holder_id', '=', holderId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(100).execute();
  },

  /** The latest expiry among a holder's cards that are not revoked (or any card, when all are). */
  async latestExpiry(db: Executor, holderId: string): Promise<string | undefined> {
    const row = await db.selectFrom('id_cards').select((eb) => eb.fn.max('expires_on').as('last')).where('holder_id', '=', holderId).executeTakeFirst();
    return row?.last ?? undefined;
  },

  /**
   * Updates a card if it is in one of `fromStatuses` (a guard against two staff members acting at once).
   * Returns whether it did.
   */
  async updateCard(db: Executor, id: string, changes: Updateable<IdCardTable>, fromStatuses?: readonly string[]): Promise<boolean> {
    let q = db.updateTable('id_cards').set(changes).where('id', '=', id);
    if (fromStatuses) q = q.where('status', 'in', [...fromStatuses]);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** One page of cards in a status, oldest first, after a keyset position; `limit + 1` rows are read to know whether more follow. */
  async listByStatus(db: Executor, status: string, options: { after?: Keyset; limit: number }): Promise<{ rows: CardListRow[]; more: boolean }> {
    let q = db.selectFrom('id_cards').select(LIST_COLUMNS).where('status', '=', status);
    const after = options.after;
    if (after) {
      // A row-value comparison, so both SQLite and PostgreSQL walk the (status, created_at, id) index from there.
      q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)));
    }
    const rows = await q.orderBy('created_at').orderBy('id').limit(options.limit + 1).execute();
    return { rows: rows.slice(0, options.limit), more: rows.length > options.limit };
  },

  /** How many cards are in a status, counted up to `cap` (a queue shows "1,000+" rather than scanning a million rows). */
  async countByStatus(db: Executor, status: string, cap: number): Promise<number> {
    const inner = db.selectFrom('id_cards').select('id').where('status', '=', status).limit(cap);
    const row = await db.selectFrom(inner.as('q')).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** Adds one to the count of a month and ward. */
  async countCard(db: Executor, month: string, ward: string): Promise<void> {
    await db
      .insertInto('id_card_counts')
      .values({ month, ward, count: 1 })
      .onConflict((oc) => oc.columns(['month', 'ward']).doUpdateSet({ count: sql<number>`id_card_counts.count + 1` }))
      .execute();
  },

  /** Counts from a month on (inclusive). */
  async counts(db: Executor, fromMonth: string): Promise<Array<{ month: string; ward: string; count: number }>> {
    const rows = await db.selectFrom('id_card_counts').select(['month', 'ward', 'count']).where('month', '>=', fromMonth).execute();
    return rows.map((r) => ({ month: r.month, ward: r.ward, count: Number(r.count) }));
  },
};
