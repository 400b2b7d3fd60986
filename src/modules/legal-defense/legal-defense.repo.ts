/**
 * Data access for the detention-defense tables. Sealed columns pass through as opaque text: this file never
 * decrypts.
 */
import { type Generated, type Insertable, type Selectable, type Updateable, sql } from 'kysely';
import type { Dialect } from '../../core/db/database.ts';
import type { Executor } from '../../core/db/transaction.ts';

export interface LegalDefenseProviderTable {
  id: string;
  name: string;
  active: number;
  available: number;
  capacity: number;
  /** Offered and accepted cases not yet closed (kept in step with assignments). */
  open_cases: number;
  /** JSON array of language codes. */
  languages: string;
  last_assigned_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface LegalDefenseAttorneyTable {
  id: string;
  provider_id: string;
  user_id: string;
  active: number;
  created_at: string;
}

export interface LegalDefensePartyTable {
  id: string;
  provider_id: string;
  party_index: string;
  created_at: string;
}

export interface LegalDefenseCaseTable {
  id: string;
  status: string;
  open: number;
  channel: string;
  person_language: string;
  contact_language: string;
  detained_on: string;
  residency_basis: string | null;
  disposition: string | null;
  disposition_reason: string | null;
  disposition_at: string | null;
  provider_id: string | null;
  assignment_id: string | null;
  attorney_user_id: string | null;
  contact_clock_id: string | null;
  first_contact_at: string | null;
  /** Seconds from the first report to the first attorney contact (kept for the outcome figures). */
  first_contact_seconds: number | null;
  report_count: number;
  a_number_index: string | null;
  identity_index: string | null;
  person_sealed: string;
  a_number_sealed: string | null;
  detention_sealed: string;
  contact_sealed: string;
  revision: number;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** Custody now (a code); null until the attorney records it. */
  custody: string | null;
  /** JSON array of relief codes. */
  relief_sought: string | null;
  outcome: string | null;
  /** Why the case was closed (a code), and the local day the representation ended. */
  closing_reason: string | null;
  closed_on: string | null;
}

export interface LegalDefenseReportTable {
  id: string;
  case_id: string;
  channel: string;
  reporter_role: string;
  filed_by: string | null;
  reference_index: string | null;
  language: string;
  merged: number;
  received_at: string;
  report_sealed: string;
}

export interface LegalDefenseAssignmentTable {
  id: string;
  case_id: string;
  provider_id: string;
  status: string;
  offered_at: string;
  responded_at: string | null;
  clock_id: string | null;
  reason_code: string | null;
  /** JSON: why this provider (codes and counts only). */
  explanation: string;
  actor_id: string | null;
}

export interface LegalDefenseEventTable {
  id: string;
  case_id: string;
  kind: string;
  at: string;
  actor_id: string | null;
  reason_code: string | null;
}

export interface LegalDefenseIdempotencyTable {
  id: string;
  principal_id: string;
  key_index: string;
  body_index: string;
  report_id: string;
  created_at: string;
}

/** A report accepted by the partner API and not filed yet (the intake queue). */
export interface LegalDefenseIntakeTable {
  id: string;
  subject_id: string;
  filed_by: string;
  filer_role: string;
  request_id: string | null;
  reference_index: string;
  received_at: string;
  payload_sealed: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
}

/** A key of the intake queue: a vault subject whose data key seals the reports queued in one hour. */
export interface LegalDefenseIntakeKeyTable {
  subject_id: string;
  created_at: string;
}

export interface LegalDefenseProceedingTable {
  id: string;
  case_id: string;
  kind: string;
  /** The event's local date (a hearing may be scheduled ahead). */
  on_date: string;
  actor_id: string | null;
  created_at: string;
}

declare module '../../core/db/schema.ts' {
  interface Database {
    legal_defense_providers: LegalDefenseProviderTable;
    legal_defense_attorneys: LegalDefenseAttorneyTable;
    legal_defense_parties: LegalDefensePartyTable;
    legal_defense_cases: LegalDefenseCaseTable;
    legal_defense_reports: LegalDefenseReportTable;
    legal_defense_assignments: LegalDefenseAssignmentTable;
    legal_defense_events: LegalDefenseEventTable;
    legal_defense_idempotency: LegalDefenseIdempotencyTable;
    legal_defense_intake: LegalDefenseIntakeTable;
    legal_defense_intake_keys: LegalDefenseIntakeKeyTable;
    legal_defense_proceedings: LegalDefenseProceedingTable;
  }
}

export type CaseRow = Selectable<LegalDefenseCaseTable>;
export type ReportRow = Selectable<LegalDefenseReportTable>;
export type ProviderRow = Selectable<LegalDefenseProviderTable>;
const CANDIDATE_COLUMNS = ['id', 'active', 'available', 'capacity', 'open_cases', 'languages', 'last_assigned_at'] as const;
/** A provider as the rotation sees it. */
export type CandidateRow = Pick<ProviderRow, (typeof CANDIDATE_COLUMNS)[number]>;
export type AssignmentRow = Selectable<LegalDefenseAssignmentTable>;

/** The queue's columns: categories and dates only (no sealed value). */
export type QueueRow = Pick<CaseRow, 'id' | 'status' | 'channel' | 'person_language' | 'detained_on' | 'provider_id' | 'report_count' | 'contact_clock_id' | 'created_at' | 'first_contact_at'>;
/** `open = 1` as SQL text, not a parameter: only then can SQLite use the partial indexes on open cases. */
const OPEN = sql<number>`1`;

const QUEUE_COLUMNS = ['id', 'status', 'channel', 'person_language', 'detained_on', 'provider_id', 'report_count', 'contact_clock_id', 'created_at', 'first_contact_at'] as const;

export const legalDefenseRepo = {
  async insertCase(db: Executor, row: Insertable<LegalDefenseCaseTable>): Promise<void> {
    await db.insertInto('legal_defense_cases').values(row).execute();
  },
  async findCase(db: Executor, id: string): Promise<CaseRow | undefined> {
    return db.selectFrom('legal_defense_cases').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** Changes a case only at the revision read (optimistic lock). Returns false when someone else changed it first. */
  async updateCase(db: Executor, id: string, revision: number, patch: Updateable<LegalDefenseCaseTable>): Promise<boolean> {
    const res = await db
      .updateTable('legal_defense_cases')
      .set({ ...patch, revision: revision + 1 })
      .where('id', '=', id)
      .where('revision', '=', revision)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  /**
   * Counts one more report on a case, atomically (concurrent merges into one case all count; no revision check),
   * and fills in an A-number or identity index the case did not have yet.
   */
  async countMergedReport(db: Executor, id: string, extra: { a_number_index?: string; a_number_sealed?: string; identity_index?: string; updated_at: string }): Promise<void> {
    await db
      .updateTable('legal_defense_cases')
      .set((eb) => ({ report_count: eb('report_count', '+', 1), revision: eb('revision', '+', 1), updated_at: extra.updated_at }))
      .where('id', '=', id)
      .execute();
    if (extra.a_number_index && extra.a_number_sealed) {
      await db.updateTable('legal_defense_cases').set({ a_number_index: extra.a_number_index, a_number_sealed: extra.a_number_sealed }).where('id', '=', id).where('a_number_index', 'is', null).execute();
    }
    if (extra.identity_index) await db.updateTable('legal_defense_cases').set({ identity_index: extra.identity_index }).where('id', '=', id).where('identity_index', 'is', null).execute();
  },
  /**
   * The open case of the person with this A-number index, else of this name-and-birth-date index (at most one
   * each: the partial unique indexes on open cases, which `open = 1` written as a literal lets SQLite use). Both
   * are looked up in one statement, a `UNION ALL` of two probes: an `OR` would make SQLite scan every open case.
   */
  async findOpenCaseByIndexes(db: Executor, indexes: { aNumber: string | null; identity: string | null }): Promise<CaseRow | undefined> {
    const { aNumber, identity } = indexes;
    const by = (column: 'a_number_index' | 'identity_index', value: string) =>
      db.selectFrom('legal_defense_cases').selectAll().where(column, '=', value).where('open', '=', OPEN);
    if (aNumber && identity) {
      const rows = await by('a_number_index', aNumber).unionAll(by('identity_index', identity)).execute();
      return rows.find((r) => r.a_number_index === aNumber) ?? rows[0];
    }
    if (aNumber) return by('a_number_index', aNumber).executeTakeFirst();
    if (identity) return by('identity_index', identity).executeTakeFirst();
    return undefined;
  },
  async insertReport(db: Executor, row: Insertable<LegalDefenseReportTable>): Promise<void> {
    await db.insertInto('legal_defense_reports').values(row).execute();
  },
  async reportsOf(db: Executor, caseId: string): Promise<ReportRow[]> {
    return db.selectFrom('legal_defense_reports').selectAll().where('case_id', '=', caseId).orderBy('received_at').orderBy('id').execute();
  },
  /** A filed report: its case, whether it merged, and who sent it by which door. */
  async findReport(db: Executor, id: string) {
    return db.selectFrom('legal_defense_reports').select(['case_id', 'merged', 'filed_by', 'channel']).where('id', '=', id).executeTakeFirst();
  },
  async findReportByReference(db: Executor, referenceIndex: string): Promise<{ case_id: string; received_at: string } | undefined> {
    return db.selectFrom('legal_defense_reports').select(['case_id', 'received_at']).where('reference_index', '=', referenceIndex).executeTakeFirst();
  },
  async insertEvent(db: Executor, row: Insertable<LegalDefenseEventTable>): Promise<void> {
    await db.insertInto('legal_defense_events').values(row).execute();
  },
  async eventsOf(db: Executor, caseId: string) {
    return db.selectFrom('legal_defense_events').selectAll().where('case_id', '=', caseId).orderBy('at').orderBy('id').execute();
  },
  async listQueue(db: Executor, options: { statuses: readonly string[]; after?: string; limit: number }): Promise<QueueRow[]> {
    let q = db.selectFrom('legal_defense_cases').select(QUEUE_COLUMNS).where('open', '=', 1).where('status', 'in', options.statuses);
    if (options.after) q = q.where('id', '>', options.after);
    return q.orderBy('id').limit(options.limit).execute();
  },
  async countOpenByStatus(db: Executor): Promise<Array<{ status: string; n: number }>> {
    const rows = await db
      .selectFrom('legal_defense_cases')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
      .where('open', '=', 1)
      .groupBy('status')
      .execute();
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  },
  /** A provider's cases still open (offered or accepted), newest first: categories only. */
  async listForProvider(db: Executor, providerId: string, limit: number): Promise<QueueRow[]> {
    return db.selectFrom('legal_defense_cases').select(QUEUE_COLUMNS).where('provider_id', '=', providerId).where('open', '=', 1).orderBy('created_at', 'desc').limit(limit).execute();
  },

  // Providers ---------------------------------------------------------------------------------------------
  /** What the rotation needs of the active providers (every offer reads them: no more than that), in id order. */
  async listCandidateProviders(db: Executor): Promise<CandidateRow[]> {
    return db.selectFrom('legal_defense_providers').select(CANDIDATE_COLUMNS).where('active', '=', OPEN).orderBy('id').execute();
  },
  /**
   * PostgreSQL only. The first of `ids` (in their order) that no other transaction holds, as the rotation sees
   * it, its row locked until this transaction ends (`FOR UPDATE SKIP LOCKED`); undefined when every one is held.
   * Without `skipLocked`, waits for the first.
   */
  async lockProvider(db: Executor, ids: readonly string[], options: { skipLocked: boolean }): Promise<CandidateRow | undefined> {
    const q = db
      .selectFrom('legal_defense_providers')
      .select(CANDIDATE_COLUMNS)
      .where('id', 'in', ids)
      .orderBy(sql`array_position(${ids}::text[], id)`)
      .limit(1)
      .forUpdate();
    return (options.skipLocked ? q.skipLocked() : q).executeTakeFirst();
  },
  async listProviders(db: Executor): Promise<ProviderRow[]> {
    return db.selectFrom('legal_defense_providers').selectAll().orderBy('name').orderBy('id').execute();
  },
  async findProvider(db: Executor, id: string): Promise<ProviderRow | undefined> {
    return db.selectFrom('legal_defense_providers').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async insertProvider(db: Executor, row: Insertable<LegalDefenseProviderTable>): Promise<void> {
    await db.insertInto('legal_defense_providers').values(row).execute();
  },
  async updateProvider(db: Executor, id: string, patch: Updateable<LegalDefenseProviderTable>): Promise<void> {
    await db.updateTable('legal_defense_providers').set(patch).where('id', '=', id).execute();
  },
  /** Adds `delta` to a provider's open-case count (never below zero). */
  async addOpenCases(db: Executor, id: string, delta: number, lastAssignedAt?: string): Promise<void> {
    await db
      .updateTable('legal_defense_providers')
      .set((eb) => ({
        open_cases: eb.case().when(eb('open_cases', '+', delta), '<', 0).then(0).else(eb('open_cases', '+', delta)).end(),
        ...(lastAssignedAt ? { last_assigned_at: lastAssignedAt } : {}),
      }))
      .where('id', '=', id)
      .execute();
  },
  async insertAttorney(db: Executor, row: Insertable<LegalDefenseAttorneyTable>): Promise<void> {
    await db.insertInto('legal_defense_attorneys').values(row).execute();
  },
  async attorneysOf(db: Executor, providerId: string) {
    return db.selectFrom('legal_defense_attorneys').selectAll().where('provider_id', '=', providerId).orderBy('created_at').execute();
  },
  /** The provider an active attorney account works for. */
  async providerOfUser(db: Executor, userId: string): Promise<string | undefined> {
    const row = await db.selectFrom('legal_defense_attorneys').select('provider_id').where('user_id', '=', userId).where('active', '=', 1).executeTakeFirst();
    return row?.provider_id;
  },
  async insertParty(db: Executor, row: Insertable<LegalDefensePartyTable>): Promise<void> {
    await db.insertInto('legal_defense_parties').values(row).execute();
  },
  async countParties(db: Executor, providerId: string): Promise<number> {
    const row = await db.selectFrom('legal_defense_parties').select((eb) => eb.fn.countAll<number | string>().as('n')).where('provider_id', '=', providerId).executeTakeFirstOrThrow();
    return Number(row.n);
  },
  /** Providers with an existing party matching any of the indexes (a conflict). */
  async conflictedProviders(db: Executor, indexes: readonly string[]): Promise<string[]> {
    if (indexes.length === 0) return [];
    const rows = await db.selectFrom('legal_defense_parties').select('provider_id').distinct().where('party_index', 'in', indexes).execute();
    return rows.map((r) => r.provider_id);
  },

  // Assignments -------------------------------------------------------------------------------------------
  async insertAssignment(db: Executor, row: Insertable<LegalDefenseAssignmentTable>): Promise<void> {
    await db.insertInto('legal_defense_assignments').values(row).execute();
  },
  async findAssignment(db: Executor, id: string): Promise<AssignmentRow | undefined> {
    return db.selectFrom('legal_defense_assignments').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async assignmentsOf(db: Executor, caseId: string): Promise<AssignmentRow[]> {
    return db.selectFrom('legal_defense_assignments').selectAll().where('case_id', '=', caseId).orderBy('offered_at').orderBy('id').execute();
  },
  /** Settles an offered assignment; false when it was no longer offered (someone settled it first). */
  async settleAssignment(db: Executor, id: string, patch: { status: string; responded_at: string; reason_code: string | null; actor_id: string | null }): Promise<boolean> {
    const res = await db.updateTable('legal_defense_assignments').set(patch).where('id', '=', id).where('status', '=', 'offered').executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  // Idempotency -------------------------------------------------------------------------------------------
  async findIdempotent(db: Executor, principalId: string, keyIndex: string) {
    return db.selectFrom('legal_defense_idempotency').selectAll().where('principal_id', '=', principalId).where('key_index', '=', keyIndex).executeTakeFirst();
  },
  async insertIdempotent(db: Executor, row: Insertable<LegalDefenseIdempotencyTable>): Promise<void> {
    await db.insertInto('legal_defense_idempotency').values(row).execute();
  },

  // The intake queue -------------------------------------------------------------------------------------
  async insertIntake(db: Executor, row: Insertable<LegalDefenseIntakeTable>): Promise<void> {
    await db.insertInto('legal_defense_intake').values(row).execute();
  },
  /** Ids of queued reports due a filing attempt, oldest first. */
  async dueIntake(db: Executor, now: string, limit: number): Promise<string[]> {
    const rows = await db.selectFrom('legal_defense_intake').select('id').where('next_attempt_at', '<=', now).orderBy('next_attempt_at').orderBy('id').limit(limit).execute();
    return rows.map((r) => r.id);
  },
  /** A queued report, locked for its filing on PostgreSQL (another instance filing it at once waits, then finds it gone). */
  async lockIntake(db: Executor, dialect: Dialect, id: string) {
    const q = db.selectFrom('legal_defense_intake').selectAll().where('id', '=', id);
    return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
  },
  /** Who sent a queued report and how often filing it failed, if it is queued. */
  async findIntake(db: Executor, id: string) {
    return db.selectFrom('legal_defense_intake').select(['filed_by', 'attempts']).where('id', '=', id).executeTakeFirst();
  },
  /** When a queued report with this reference code was accepted, if one is queued. */
  async findIntakeByReference(db: Executor, referenceIndex: string): Promise<{ received_at: string } | undefined> {
    return db.selectFrom('legal_defense_intake').select('received_at').where('reference_index', '=', referenceIndex).executeTakeFirst();
  },
  async deleteIntake(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('legal_defense_intake').where('id', '=', id).execute();
  },
  async deferIntake(db: Executor, id: string, patch: { attempts: number; next_attempt_at: string; last_error: string }): Promise<void> {
    await db.updateTable('legal_defense_intake').set(patch).where('id', '=', id).execute();
  },
  async insertIntakeKey(db: Executor, row: LegalDefenseIntakeKeyTable): Promise<void> {
    await db.insertInto('legal_defense_intake_keys').values(row).execute();
  },
  /** Intake keys made before `before` that no queued report uses any more. */
  async unusedIntakeKeys(db: Executor, before: string): Promise<string[]> {
    const rows = await db
      .selectFrom('legal_defense_intake_keys as k')
      .select('k.subject_id')
      .where('k.created_at', '<', before)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('legal_defense_intake as q').select('q.id').whereRef('q.subject_id', '=', 'k.subject_id'))))
      .execute();
    return rows.map((r) => r.subject_id);
  },
};
