/**
 * Data access for the U-visa tables. Sealed columns pass through as opaque text: this file never decrypts.
 */
import { type Insertable, type Selectable, type Updateable, sql } from 'kysely';
import type { Executor } from '../../core/db/transaction.ts';

export interface UVisaRequestTable {
  id: string;
  reference_index: string;
  visa_type: string;
  channel: string;
  requester_role: string;
  filed_by: string | null;
  language: string;
  contact_method: string;
  agency: string;
  department: string | null;
  expedited: number;
  status: string;
  open: number;
  clock_id: string | null;
  due_at: string | null;
  /** `0|<due>|<id>` for expedited requests, `1|<due>|<id>` for others: the queue's order in one sortable key. */
  queue_key: string;
  received_at: string;
  decided_at: string | null;
  decision: string | null;
  turnaround_days: number | null;
  signed_on: string | null;
  closed_at: string | null;
  helpfulness: string | null;
  denial_reason: string | null;
  release_type: string | null;
  release_date: string | null;
  a_number_index: string | null;
  requester_sealed: string;
  victim_sealed: string;
  a_number_sealed: string | null;
  crimes_sealed: string;
  case_sealed: string;
  helpfulness_sealed: string;
  expedite_sealed: string | null;
  assessment_sealed: string | null;
  supplement_sealed: string | null;
  revision: number;
  created_at: string;
  updated_at: string;
}

export interface UVisaFamilyMemberTable {
  id: string;
  request_id: string;
  person_sealed: string;
  age_out_clock_id: string | null;
  created_at: string;
}

export interface UVisaActionTable {
  id: string;
  request_id: string;
  kind: string;
  at: string;
  actor_id: string | null;
  reason_code: string | null;
}

declare module '../../core/db/schema.ts' {
  interface Database {
    u_visa_requests: UVisaRequestTable;
    u_visa_family_members: UVisaFamilyMemberTable;
    u_visa_actions: UVisaActionTable;
  }
}

export type RequestRow = Selectable<UVisaRequestTable>;
export type FamilyMemberRow = Selectable<UVisaFamilyMemberTable>;
export type ActionRow = Selectable<UVisaActionTable>;

/** What the queue shows: categories and dates only, nothing sealed. */
export type QueueRow = Pick<
  RequestRow,
  'id' | 'visa_type' | 'department' | 'expedited' | 'status' | 'received_at' | 'due_at' | 'queue_key' | 'clock_id' | 'decided_at' | 'decision' | 'channel'
>;

const QUEUE_COLUMNS = ['id', 'visa_type', 'department', 'expedited', 'status', 'received_at', 'due_at', 'queue_key', 'clock_id', 'decided_at', 'decision', 'channel'] as const;

/** A due time that sorts after every real one (a request whose clock has not started). */
export const NO_DUE = '9999-12-31T23:59:59.999Z';

/** The queue's sort key: expedited first, then soonest due, then id. */
export function queueKey(expedited: boolean, dueAt: string | null, id: string): string {
  return `${expedited ? 0 : 1}|${dueAt ?? NO_DUE}|${id}`;
}

/** A position in the list of closed requests: most recently decided first. */
export interface ClosedCursor {
  decidedAt: string;
  id: string;
}

/** The clock columns the queue shows beside each request. */
export interface QueueClock {
  id: string;
  status: string;
  due_at: string;
  due_date: string;
  governing_rule: string;
  paused_since: string | null;
}

/** One row of the public figures: when received and decided, and how. */
export type FigureRow = Pick<RequestRow, 'received_at' | 'decided_at' | 'decision' | 'turnaround_days' | 'expedited'>;

export const uVisaRepo = {
  async insert(db: Executor, row: Insertable<UVisaRequestTable>): Promise<void> {
    await db.insertInto('u_visa_requests').values(row).execute();
  },

  async findById(db: Executor, id: string): Promise<RequestRow | undefined> {
    return db.selectFrom('u_visa_requests').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Status and dates of the request with this reference index (the requester's status page). */
  async findStatusByReference(db: Executor, referenceIndex: string): Promise<Pick<RequestRow, 'status' | 'created_at' | 'updated_at'> | undefined> {
    return db.selectFrom('u_visa_requests').select(['status', 'created_at', 'updated_at']).where('reference_index', '=', referenceIndex).executeTakeFirst();
  },

  /**
   * Changes a request if it is still at `revision` (optimistic concurrency: two officials acting on the same
   * request at once cannot both win). Returns false when someone else changed it first.
   */
  async update(db: Executor, id: string, revision: number, changes: Updateable<UVisaRequestTable>): Promise<boolean> {
    const r = await db
      .updateTable('u_visa_requests')
      .set({ ...changes, revision: revision + 1 })
      .where('id', '=', id)
      .where('revision', '=', revision)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async insertAction(db: Executor, row: Insertable<UVisaActionTable>): Promise<void> {
    await db.insertInto('u_visa_actions').values(row).execute();
  },

  async actionsOf(db: Executor, requestId: string): Promise<ActionRow[]> {
    return db.selectFrom('u_visa_actions').selectAll().where('request_id', '=', requestId).orderBy('at').orderBy('id').execute();
  },

  async insertFamilyMember(db: Executor, row: Insertable<UVisaFamilyMemberTable>): Promise<void> {
    await db.insertInto('u_visa_family_members').values(row).execute();
  },

  async familyMembersOf(db: Executor, requestId: string): Promise<FamilyMemberRow[]> {
    return db.selectFrom('u_visa_family_members').selectAll().where('request_id', '=', requestId).orderBy('created_at').orderBy('id').execute();
  },

  /**
   * One page of open requests in queue order (expedited first, soonest due, id), after or before a queue
   * key. Keyset pagination on the queue index: the cost of a page does not grow with the queue.
   */
  async listOpen(db: Executor, options: { department?: string; visaType?: string; after?: string; before?: string; limit: number }): Promise<QueueRow[]> {
    let q = db.selectFrom('u_visa_requests').select(QUEUE_COLUMNS).where('open', '=', 1);
    if (options.department !== undefined) q = q.where('department', '=', options.department);
    if (options.visaType !== undefined) q = q.where('visa_type', '=', options.visaType);
    if (options.after !== undefined) q = q.where('queue_key', '>', options.after);
    if (options.before !== undefined) q = q.where('queue_key', '<', options.before);
    const backward = options.before !== undefined && options.after === undefined;
    const rows = await q.orderBy('queue_key', backward ? 'desc' : 'asc').limit(options.limit).execute();
    return backward ? rows.reverse() : rows;
  },

  /** One page of decided requests, most recent decision first. */
  async listClosed(db: Executor, options: { department?: string; visaType?: string; after?: ClosedCursor; before?: ClosedCursor; limit: number }): Promise<QueueRow[]> {
    let q = db.selectFrom('u_visa_requests').select(QUEUE_COLUMNS).where('open', '=', 0);
    if (options.department !== undefined) q = q.where('department', '=', options.department);
    if (options.visaType !== undefined) q = q.where('visa_type', '=', options.visaType);
    // Closed requests always have a decision time; row values compare both columns in one index range.
    if (options.after) {
      const c = options.after;
      q = q.where((eb) => eb(eb.refTuple('decided_at', 'id'), '<', eb.tuple(c.decidedAt, c.id)));
    }
    if (options.before) {
      const c = options.before;
      q = q.where((eb) => eb(eb.refTuple('decided_at', 'id'), '>', eb.tuple(c.decidedAt, c.id)));
    }
    const backward = options.before !== undefined && options.after === undefined;
    const rows = await q
      .orderBy('decided_at', backward ? 'asc' : 'desc')
      .orderBy('id', backward ? 'asc' : 'desc')
      .limit(options.limit)
      .execute();
    return backward ? rows.reverse() : rows;
  },

  /** How many requests are open (index-only count). */
  async countOpen(db: Executor, options: { department?: string; visaType?: string }): Promise<number> {
    let q = db.selectFrom('u_visa_requests').where('open', '=', 1);
    if (options.department !== undefined) q = q.where('department', '=', options.department);
    if (options.visaType !== undefined) q = q.where('visa_type', '=', options.visaType);
    const r = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  },

  /** The clocks of a page of the queue, in one query. */
  async clocksByIds(db: Executor, ids: readonly string[]): Promise<QueueClock[]> {
    if (ids.length === 0) return [];
    return db.selectFrom('clocks').select(['id', 'status', 'due_at', 'due_date', 'governing_rule', 'paused_since']).where('id', 'in', ids).execute();
  },

  /**
   * Copies each open request's due time from its clock where they differ (after a pause, an extension or a
   * recomputation by the deadline engine), so the queue's order stays true. Returns how many changed.
   */
  async syncDueTimes(db: Executor): Promise<number> {
    const r = await db
      .updateTable('u_visa_requests')
      .set({
        due_at: sql<string>`(select c.due_at from clocks c where c.id = u_visa_requests.clock_id)`,
        queue_key: sql<string>`(case when expedited = 1 then '0|' else '1|' end) || (select c.due_at from clocks c where c.id = u_visa_requests.clock_id) || '|' || id`,
      })
      .where('open', '=', 1)
      .where('clock_id', 'is not', null)
      .where(sql<boolean>`due_at is distinct from (select c.due_at from clocks c where c.id = u_visa_requests.clock_id)`)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  },

  /** Requests found by the blind index of an A-number (candidates: the service opens and compares). */
  async findByANumberIndex(db: Executor, index: string): Promise<Array<Pick<RequestRow, 'id' | 'a_number_sealed'>>> {
    return db.selectFrom('u_visa_requests').select(['id', 'a_number_sealed']).where('a_number_index', '=', index).limit(50).execute();
  },

  /** Every request's dates and outcome, for the public figures (no sealed column, no id). */
  async figureRows(db: Executor, since: string): Promise<FigureRow[]> {
    return db
      .selectFrom('u_visa_requests')
      .select(['received_at', 'decided_at', 'decision', 'turnaround_days', 'expedited'])
      .where('received_at', '>=', since)
      .execute();
  },
};
