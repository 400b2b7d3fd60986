import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../db/transaction.ts';

/** `privacy_demands`: one demand for data, as registered and decided. */
export interface PrivacyDemandTable {
  id: string;
  reference: string;
  type: string;
  form_number: string;
  agency_kind: string;
  agency_name: string;
  channel: string;
  received_at: string;
  received_by: string;
  registered_by: string;
  served_on: string;
  issued_by_court: string;
  signed_by_judge: string;
  judge_name: string | null;
  court_name: string | null;
  case_number: string | null;
  issued_on: string | null;
  expires_on: string | null;
  unmatched_people: number;
  subject_id: string | null;
  requester_sealed: string | null;
  description_sealed: string | null;
  status: string;
  decline_reason: string | null;
  decided_at: string | null;
  decided_by: string | null;
  nondisclosure_order_ref: string | null;
  nondisclosure_until: string | null;
  nondisclosure_recorded_by: string | null;
  created_at: string;
  updated_at: string;
}

/** `privacy_demand_records`: one record a demand names, with the notice owed to its person. */
export interface PrivacyDemandRecordTable {
  id: string;
  demand_id: string;
  program: string;
  record_type: string;
  record_id: string;
  notice_status: string;
  notice_due_at: string | null;
  notice_method: string | null;
  notice_message_id: string | null;
  notice_done_at: string | null;
  notice_done_by: string | null;
  created_at: string;
}

/** `privacy_demand_approvals`: one person's approval (after a passkey step-up). */
export interface PrivacyDemandApprovalTable {
  id: string;
  demand_id: string;
  approver_id: string;
  /** JSON array of the roles held when approving. */
  approver_roles: string;
  approved_at: string;
}

/** `privacy_demand_disclosures`: the single, expiring download an approval unlocks. */
export interface PrivacyDemandDisclosureTable {
  id: string;
  demand_id: string;
  created_at: string;
  expires_at: string;
  downloaded_at: string | null;
  downloaded_by: string | null;
  record_count: number | null;
}

declare module '../db/schema.ts' {
  interface Database {
    privacy_demands: PrivacyDemandTable;
    privacy_demand_records: PrivacyDemandRecordTable;
    privacy_demand_approvals: PrivacyDemandApprovalTable;
    privacy_demand_disclosures: PrivacyDemandDisclosureTable;
  }
}

export type DemandRow = Selectable<PrivacyDemandTable>;
export type DemandRecordRow = Selectable<PrivacyDemandRecordTable>;
export type DemandApprovalRow = Selectable<PrivacyDemandApprovalTable>;
export type DemandDisclosureRow = Selectable<PrivacyDemandDisclosureTable>;

/** Data access for the demand register. Never decrypts; sealed columns pass through as stored. */
export const demandsRepo = {
  async insertDemand(db: Executor, row: Insertable<PrivacyDemandTable>): Promise<void> {
    await db.insertInto('privacy_demands').values(row).execute();
  },

  async insertRecords(db: Executor, rows: Insertable<PrivacyDemandRecordTable>[]): Promise<void> {
    if (rows.length > 0) await db.insertInto('privacy_demand_records').values(rows).execute();
  },

  async findDemand(db: Executor, id: string): Promise<DemandRow | undefined> {
    return db.selectFrom('privacy_demands').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Locks the demand row for the rest of the transaction on PostgreSQL (SQLite serialises writers anyway). */
  async lockDemand(db: Executor, id: string, dialect: 'sqlite' | 'postgres'): Promise<DemandRow | undefined> {
    let q = db.selectFrom('privacy_demands').selectAll().where('id', '=', id);
    if (dialect === 'postgres') q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async updateDemand(db: Executor, id: string, patch: Updateable<PrivacyDemandTable>): Promise<void> {
    await db.updateTable('privacy_demands').set(patch).where('id', '=', id).execute();
  },

  /** Changes the status only if it still is `from`; returns whether it did (guards concurrent decisions). */
  async transitionStatus(db: Executor, id: string, from: string, patch: Updateable<PrivacyDemandTable>): Promise<boolean> {
    const res = await db.updateTable('privacy_demands').set(patch).where('id', '=', id).where('status', '=', from).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  async listDemands(db: Executor, options: { limit: number; offset: number; status?: string }): Promise<DemandRow[]> {
    let q = db.selectFrom('privacy_demands').selectAll();
    if (options.status) q = q.where('status', '=', options.status);
    return q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(options.limit).offset(options.offset).execute();
  },

  async countDemands(db: Executor, status?: string): Promise<number> {
    let q = db.selectFrom('privacy_demands').select((eb) => eb.fn.countAll<number>().as('n'));
    if (status) q = q.where('status', '=', status);
    const row = await q.executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async records(db: Executor, demandId: string): Promise<DemandRecordRow[]> {
    return db.selectFrom('privacy_demand_records').selectAll().where('demand_id', '=', demandId).orderBy('id').execute();
  },

  /** How many records each demand names. */
  async recordCounts(db: Executor, demandIds: readonly string[]): Promise<Map<string, number>> {
    if (demandIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('privacy_demand_records')
      .select((eb) => ['demand_id', eb.fn.countAll<number>().as('n')])
      .where('demand_id', 'in', [...demandIds])
      .groupBy('demand_id')
      .execute();
    return new Map(rows.map((r) => [r.demand_id, Number(r.n)]));
  },

  async findRecord(db: Executor, demandId: string, id: string): Promise<DemandRecordRow | undefined> {
    return db.selectFrom('privacy_demand_records').selectAll().where('demand_id', '=', demandId).where('id', '=', id).executeTakeFirst();
  },

  async updateRecord(db: Executor, id: string, patch: Updateable<PrivacyDemandRecordTable>): Promise<void> {
    await db.updateTable('privacy_demand_records').set(patch).where('id', '=', id).execute();
  },

  async updateNoticesOfDemand(
    db: Executor,
    demandId: string,
    fromStatuses: readonly string[],
    patch: Updateable<PrivacyDemandRecordTable>,
  ): Promise<number> {
    const res = await db
      .updateTable('privacy_demand_records')
      .set(patch)
      .where('demand_id', '=', demandId)
      .where('notice_status', 'in', [...fromStatuses])
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  },

  /** Notices still owed whose deadline has passed (`pending`, or `deferred` with an end date now past). */
  async overdueNotices(db: Executor, nowIso: string): Promise<DemandRecordRow[]> {
    return db
      .selectFrom('privacy_demand_records')
      .selectAll()
      .where('notice_status', 'in', ['pending', 'deferred'])
      .where('notice_due_at', 'is not', null)
      .where('notice_due_at', '<', nowIso)
      .orderBy('notice_due_at')
      .execute();
  },

  /** Per demand: how many notices are owed and how many of those are overdue. */
  async noticeSummary(db: Executor, demandIds: readonly string[], nowIso: string): Promise<Map<string, { open: number; overdue: number }>> {
    const out = new Map<string, { open: number; overdue: number }>();
    if (demandIds.length === 0) return out;
    const rows = await db
      .selectFrom('privacy_demand_records')
      .select(['demand_id', 'notice_status', 'notice_due_at'])
      .where('demand_id', 'in', [...demandIds])
      .where('notice_status', 'in', ['pending', 'deferred'])
      .execute();
    for (const r of rows) {
      const s = out.get(r.demand_id) ?? { open: 0, overdue: 0 };
      s.open++;
      if (r.notice_due_at !== null && r.notice_due_at < nowIso) s.overdue++;
      out.set(r.demand_id, s);
    }
    return out;
  },

  async approvals(db: Executor, demandId: string): Promise<DemandApprovalRow[]> {
    return db.selectFrom('privacy_demand_approvals').selectAll().where('demand_id', '=', demandId).orderBy('approved_at').execute();
  },

  async insertApproval(db: Executor, row: Insertable<PrivacyDemandApprovalTable>): Promise<void> {
    await db.insertInto('privacy_demand_approvals').values(row).execute();
  },

  async insertDisclosure(db: Executor, row: Insertable<PrivacyDemandDisclosureTable>): Promise<void> {
    await db.insertInto('privacy_demand_disclosures').values(row).execute();
  },

  async findDisclosure(db: Executor, demandId: string): Promise<DemandDisclosureRow | undefined> {
    return db.selectFrom('privacy_demand_disclosures').selectAll().where('demand_id', '=', demandId).executeTakeFirst();
  },

  /**
   * Claims the disclosure for one download: succeeds only if it was never downloaded and has not expired.
   * The single `UPDATE … WHERE downloaded_at IS NULL` makes two simultaneous downloads impossible.
   */
  async claimDisclosure(db: Executor, demandId: string, userId: string, nowIso: string): Promise<boolean> {
    const res = await db
      .updateTable('privacy_demand_disclosures')
      .set({ downloaded_at: nowIso, downloaded_by: userId })
      .where('demand_id', '=', demandId)
      .where('downloaded_at', 'is', null)
      .where('expires_at', '>', nowIso)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Ends an unused disclosure now (the demand was declined after approval). */
  async endDisclosure(db: Executor, demandId: string, nowIso: string): Promise<void> {
    await db.updateTable('privacy_demand_disclosures').set({ expires_at: nowIso }).where('demand_id', '=', demandId).where('downloaded_at', 'is', null).execute();
  },

  async setDisclosureCount(db: Executor, demandId: string, count: number): Promise<void> {
    await db.updateTable('privacy_demand_disclosures').set({ record_count: count }).where('demand_id', '=', demandId).execute();
  },

  /** Counts for the transparency report: quarter is computed by the caller from `received_at`. */
  async transparencyRows(db: Executor): Promise<Array<{ type: string; status: string; received_at: string }>> {
    return db.selectFrom('privacy_demands').select(['type', 'status', 'received_at']).execute();
  },
};

/** Staff display names for the register's pages (ids → names; the auth part owns the table). */
export async function staffNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('auth_users').select(['id', 'display_name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** Active staff accounts (id and name), for the "received by" choice. */
export async function activeStaff(db: Executor): Promise<Array<{ id: string; displayName: string }>> {
  const rows = await db.selectFrom('auth_users').select(['id', 'display_name']).where('status', '=', 'active').orderBy('display_name').execute();
  return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
}
