/**
 * Data access for the fund's tables. Queries only: no rule, no decryption (the fund holds no sealed value).
 * Sums come back as numbers on both databases (PostgreSQL returns `sum(bigint)` as text, so every sum is
 * passed through `Number`; cents stay far inside exact integers).
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../core/db/transaction.ts';

export interface FundSourceTable {
  id: string;
  kind: string;
  name: string;
  funder: string | null;
  fiscal_year: number | null;
  reference: string | null;
  amount_cents: number;
  /** Sum of the ceilings of the source's contracts (changed only by a conditional update). */
  allocated_cents: number;
  starts_on: string;
  ends_on: string;
  restrictions: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface FundContractTable {
  id: string;
  source_id: string;
  provider_id: string;
  basis: string;
  rate_cents: number;
  /** Cases (per case) or whole hours (hourly). */
  cap: number;
  ceiling_cents: number;
  /** Sum of the contract's approved and paid invoices (changed only by a conditional update). */
  approved_cents: number;
  starts_on: string;
  ends_on: string;
  reference: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface FundTimeEntryTable {
  id: string;
  case_id: string;
  provider_id: string;
  worked_on: string;
  minutes: number;
  activity: string;
  entered_by: string;
  created_at: string;
}

export interface FundInvoiceTable {
  id: string;
  contract_id: string;
  source_id: string;
  provider_id: string;
  basis: string;
  period_from: string;
  period_to: string;
  status: string;
  total_cents: number;
  line_count: number;
  minutes_total: number;
  case_count: number;
  reject_reason: string | null;
  payment_reference: string | null;
  paid_on: string | null;
  created_by: string;
  created_at: string;
  submitted_by: string | null;
  submitted_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  paid_by: string | null;
  /** When the invoice reached its last state (paid or rejected); retention counts from it. */
  closed_at: string | null;
  updated_at: string;
}

export interface FundInvoiceLineTable {
  id: string;
  invoice_id: string;
  kind: string;
  /** Null once the case (and so the entry) is forgotten. */
  time_entry_id: string | null;
  /** Null once the case is forgotten. */
  case_id: string | null;
  /** Keyed blind index of the case: counts cases represented and bills a case once, without a link to it. */
  case_token: string;
  worked_on: string | null;
  activity: string | null;
  minutes: number;
  rate_cents: number;
  amount_cents: number;
  active: number;
}

/** A change of a source (contract_id null) or of a contract: before and after, why, by whom. */
export interface FundAmendmentTable {
  id: string;
  source_id: string;
  contract_id: string | null;
  reason: string;
  reference: string | null;
  /** The source's amount, or the contract's ceiling, in cents. */
  amount_before_cents: number;
  amount_after_cents: number;
  /** The contract's cap (null for a source). */
  cap_before: number | null;
  cap_after: number | null;
  ends_before: string;
  ends_after: string;
  amended_by: string;
  amended_at: string;
}

declare module '../../core/db/schema.ts' {
  interface Database {
    legal_defense_fund_amendments: FundAmendmentTable;
    legal_defense_fund_sources: FundSourceTable;
    legal_defense_fund_contracts: FundContractTable;
    legal_defense_fund_time_entries: FundTimeEntryTable;
    legal_defense_fund_invoices: FundInvoiceTable;
    legal_defense_fund_invoice_lines: FundInvoiceLineTable;
  }
}

export type SourceRow = Selectable<FundSourceTable>;
export type ContractRow = Selectable<FundContractTable>;
export type TimeEntryRow = Selectable<FundTimeEntryTable>;
export type InvoiceRow = Selectable<FundInvoiceTable>;
export type InvoiceLineRow = Selectable<FundInvoiceLineTable>;
export type AmendmentRow = Selectable<FundAmendmentTable>;

/** Invoice totals by status, for a source or a contract. */
export interface StatusTotals {
  submitted: number;
  approved: number;
  paid: number;
}

const n = (v: unknown): number => Number(v ?? 0);

/** Bigint columns as numbers (PostgreSQL's driver already parses int8; a `sum` is numeric text). */
function source(row: SourceRow): SourceRow {
  return { ...row, amount_cents: n(row.amount_cents), allocated_cents: n(row.allocated_cents), fiscal_year: row.fiscal_year === null ? null : n(row.fiscal_year) };
}
function amendment(row: AmendmentRow): AmendmentRow {
  return {
    ...row,
    amount_before_cents: n(row.amount_before_cents),
    amount_after_cents: n(row.amount_after_cents),
    cap_before: row.cap_before === null ? null : n(row.cap_before),
    cap_after: row.cap_after === null ? null : n(row.cap_after),
  };
}
function contract(row: ContractRow): ContractRow {
  return { ...row, rate_cents: n(row.rate_cents), cap: n(row.cap), ceiling_cents: n(row.ceiling_cents), approved_cents: n(row.approved_cents) };
}
function invoice(row: InvoiceRow): InvoiceRow {
  return { ...row, total_cents: n(row.total_cents), line_count: n(row.line_count), minutes_total: n(row.minutes_total), case_count: n(row.case_count) };
}
function line(row: InvoiceLineRow): InvoiceLineRow {
  return { ...row, minutes: n(row.minutes), rate_cents: n(row.rate_cents), amount_cents: n(row.amount_cents), active: n(row.active) };
}

export const fundRepo = {
  // Sources ------------------------------------------------------------------------------------------------
  async insertSource(db: Executor, row: Insertable<FundSourceTable>): Promise<void> {
    await db.insertInto('legal_defense_fund_sources').values(row).execute();
  },
  async listSources(db: Executor): Promise<SourceRow[]> {
    return (await db.selectFrom('legal_defense_fund_sources').selectAll().orderBy('starts_on', 'desc').orderBy('name').orderBy('id').execute()).map(source);
  },
  async findSource(db: Executor, id: string): Promise<SourceRow | undefined> {
    const row = await db.selectFrom('legal_defense_fund_sources').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? source(row) : undefined;
  },
  /**
   * Allocates `cents` of a source to a contract only if that leaves the source within its amount (one
   * conditional update: concurrent allocations cannot both pass). False when there is not enough left.
   */
  async allocate(db: Executor, id: string, cents: number, at: string): Promise<boolean> {
    const res = await db
      .updateTable('legal_defense_fund_sources')
      .set((eb) => ({ allocated_cents: eb('allocated_cents', '+', cents), updated_at: at }))
      .where('id', '=', id)
      .where((eb) => eb(eb('allocated_cents', '+', cents), '<=', eb.ref('amount_cents')))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /**
   * Sets a source's amount and last day, in one conditional update: only while the amount still covers what is
   * allocated to contracts and no contract of the source runs past the new last day (a contract added at the
   * same moment cannot slip past either). False when it would.
   */
  async amendSource(db: Executor, id: string, change: { amount_cents: number; ends_on: string }, at: string): Promise<boolean> {
    const res = await db
      .updateTable('legal_defense_fund_sources')
      .set({ amount_cents: change.amount_cents, ends_on: change.ends_on, updated_at: at })
      .where('id', '=', id)
      .where('allocated_cents', '<=', change.amount_cents)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('legal_defense_fund_contracts').select('id').where('source_id', '=', id).where('ends_on', '>', change.ends_on))))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  // Contracts ----------------------------------------------------------------------------------------------
  /**
   * Sets a contract's cap, ceiling and last day, only while its ceiling is still the one read (the source's
   * allocation moved by the difference in the same transaction) and still covers what was approved.
   */
  async amendContract(db: Executor, id: string, readCeiling: number, change: { cap: number; ceiling_cents: number; ends_on: string }, at: string): Promise<boolean> {
    const res = await db
      .updateTable('legal_defense_fund_contracts')
      .set({ cap: change.cap, ceiling_cents: change.ceiling_cents, ends_on: change.ends_on, updated_at: at })
      .where('id', '=', id)
      .where('ceiling_cents', '=', readCeiling)
      .where('approved_cents', '<=', change.ceiling_cents)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  async insertAmendment(db: Executor, row: Insertable<FundAmendmentTable>): Promise<void> {
    await db.insertInto('legal_defense_fund_amendments').values(row).execute();
  },
  /** A source's amendments, with those of its contracts, newest first. */
  async amendmentsOf(db: Executor, filter: { sourceId: string } | { contractId: string }): Promise<AmendmentRow[]> {
    let q = db.selectFrom('legal_defense_fund_amendments').selectAll();
    q = 'sourceId' in filter ? q.where('source_id', '=', filter.sourceId) : q.where('contract_id', '=', filter.contractId);
    return (await q.orderBy('amended_at', 'desc').orderBy('id', 'desc').limit(500).execute()).map(amendment);
  },
  /** The last day of a source's contracts: an amended source must still cover it. */
  async lastContractDay(db: Executor, sourceId: string): Promise<string | null> {
    const row = await db.selectFrom('legal_defense_fund_contracts').select((eb) => eb.fn.max('ends_on').as('last')).where('source_id', '=', sourceId).executeTakeFirst();
    return (row?.last as string | null | undefined) ?? null;
  },
  /** The end of the last billing period invoiced (and not rejected) under a contract: an amended contract must still cover it. */
  async lastInvoicedDay(db: Executor, contractId: string): Promise<string | null> {
    const row = await db
      .selectFrom('legal_defense_fund_invoices')
      .select((eb) => eb.fn.max('period_to').as('last'))
      .where('contract_id', '=', contractId)
      .where('status', '<>', 'rejected')
      .executeTakeFirst();
    return (row?.last as string | null | undefined) ?? null;
  },
  async insertContract(db: Executor, row: Insertable<FundContractTable>): Promise<void> {
    await db.insertInto('legal_defense_fund_contracts').values(row).execute();
  },
  async findContract(db: Executor, id: string): Promise<ContractRow | undefined> {
    const row = await db.selectFrom('legal_defense_fund_contracts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? contract(row) : undefined;
  },
  async listContracts(db: Executor, filter: { sourceId?: string; providerId?: string } = {}): Promise<ContractRow[]> {
    let q = db.selectFrom('legal_defense_fund_contracts').selectAll();
    if (filter.sourceId) q = q.where('source_id', '=', filter.sourceId);
    if (filter.providerId) q = q.where('provider_id', '=', filter.providerId);
    return (await q.orderBy('starts_on', 'desc').orderBy('id').execute()).map(contract);
  },
  /** Adds an approved invoice to a contract only while it stays within the ceiling. False when it would not. */
  async approveAgainst(db: Executor, id: string, cents: number, at: string): Promise<boolean> {
    const res = await db
      .updateTable('legal_defense_fund_contracts')
      .set((eb) => ({ approved_cents: eb('approved_cents', '+', cents), updated_at: at }))
      .where('id', '=', id)
      .where((eb) => eb(eb('approved_cents', '+', cents), '<=', eb.ref('ceiling_cents')))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  // Time entries -------------------------------------------------------------------------------------------
  async insertTimeEntry(db: Executor, row: Insertable<FundTimeEntryTable>): Promise<void> {
    await db.insertInto('legal_defense_fund_time_entries').values(row).execute();
  },
  async findTimeEntry(db: Executor, id: string): Promise<TimeEntryRow | undefined> {
    const row = await db.selectFrom('legal_defense_fund_time_entries').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { ...row, minutes: n(row.minutes) } : undefined;
  },
  async deleteTimeEntry(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('legal_defense_fund_time_entries').where('id', '=', id).execute();
  },
  /** A case's entries, newest work first, with the invoice each is billed on (lines in force only). */
  async entriesOfCase(db: Executor, caseId: string): Promise<Array<TimeEntryRow & { invoice_id: string | null }>> {
    const rows = await db
      .selectFrom('legal_defense_fund_time_entries as e')
      .leftJoin('legal_defense_fund_invoice_lines as l', (j) => j.onRef('l.time_entry_id', '=', 'e.id').on('l.active', '=', 1))
      .selectAll('e')
      .select('l.invoice_id')
      .where('e.case_id', '=', caseId)
      .orderBy('e.worked_on', 'desc')
      .orderBy('e.id', 'desc')
      .execute();
    return rows.map((r) => ({ ...r, minutes: n(r.minutes) }));
  },
  /** Minutes already entered on a case for one day. */
  async minutesOnDay(db: Executor, caseId: string, day: string): Promise<number> {
    const row = await db.selectFrom('legal_defense_fund_time_entries').select((eb) => eb.fn.sum<number | string>('minutes').as('m')).where('case_id', '=', caseId).where('worked_on', '=', day).executeTakeFirst();
    return n(row?.m);
  },
  /** Whether an entry is on a line in force (submitted, approved, paid or a draft). */
  async isBilled(db: Executor, timeEntryId: string): Promise<boolean> {
    return (await db.selectFrom('legal_defense_fund_invoice_lines').select('id').where('time_entry_id', '=', timeEntryId).where('active', '=', 1).executeTakeFirst()) !== undefined;
  },
  /** A provider's entries not on any line in force, worked within a period, oldest first. */
  async unbilledEntries(db: Executor, options: { providerId: string; from: string; to: string }): Promise<TimeEntryRow[]> {
    const rows = await db
      .selectFrom('legal_defense_fund_time_entries as e')
      .selectAll('e')
      .where('e.provider_id', '=', options.providerId)
      .where('e.worked_on', '>=', options.from)
      .where('e.worked_on', '<=', options.to)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('legal_defense_fund_invoice_lines as l').select('l.id').whereRef('l.time_entry_id', '=', 'e.id').where('l.active', '=', 1))))
      .orderBy('e.worked_on')
      .orderBy('e.id')
      .execute();
    return rows.map((r) => ({ ...r, minutes: n(r.minutes) }));
  },
  /** Per case of a provider: minutes entered and minutes not yet on an invoice. */
  async minutesByCase(db: Executor, providerId: string): Promise<Map<string, { minutes: number; unbilled: number }>> {
    const rows = await db
      .selectFrom('legal_defense_fund_time_entries as e')
      .leftJoin('legal_defense_fund_invoice_lines as l', (j) => j.onRef('l.time_entry_id', '=', 'e.id').on('l.active', '=', 1))
      .select((eb) => ['e.case_id', eb.fn.sum<number | string>('e.minutes').as('m'), eb.fn.sum<number | string>(eb.case().when('l.id', 'is', null).then(eb.ref('e.minutes')).else(0).end()).as('u')])
      .where('e.provider_id', '=', providerId)
      .groupBy('e.case_id')
      .execute();
    return new Map(rows.map((r) => [r.case_id, { minutes: n(r.m), unbilled: n(r.u) }]));
  },

  // Cases as the fund sees them (plain columns only) ---------------------------------------------------------
  /**
   * The cases a provider accepted (still with it), with the day it accepted: the cases it may bill. Plain
   * columns only — no sealed value is read.
   */
  async acceptedCases(db: Executor, providerId: string, options: { caseId?: string } = {}): Promise<Array<{ id: string; status: string; open: number; closed_at: string | null; accepted_at: string }>> {
    let q = db
      .selectFrom('legal_defense_cases as c')
      .innerJoin('legal_defense_assignments as a', (j) => j.onRef('a.case_id', '=', 'c.id').onRef('a.provider_id', '=', 'c.provider_id').on('a.status', '=', 'accepted'))
      .select(['c.id', 'c.status', 'c.open', 'c.closed_at', 'a.responded_at as accepted_at'])
      .where('c.provider_id', '=', providerId);
    if (options.caseId) q = q.where('c.id', '=', options.caseId);
    const rows = await q.orderBy('a.responded_at', 'desc').orderBy('c.id').execute();
    return rows.map((r) => ({ ...r, accepted_at: r.accepted_at ?? '' }));
  },

  // Invoices -----------------------------------------------------------------------------------------------
  async insertInvoice(db: Executor, row: Insertable<FundInvoiceTable>): Promise<void> {
    await db.insertInto('legal_defense_fund_invoices').values(row).execute();
  },
  async insertLines(db: Executor, rows: ReadonlyArray<Insertable<FundInvoiceLineTable>>): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await db.insertInto('legal_defense_fund_invoice_lines').values(rows.slice(i, i + 200)).execute();
  },
  async findInvoice(db: Executor, id: string): Promise<InvoiceRow | undefined> {
    const row = await db.selectFrom('legal_defense_fund_invoices').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? invoice(row) : undefined;
  },
  async linesOf(db: Executor, invoiceId: string): Promise<InvoiceLineRow[]> {
    return (await db.selectFrom('legal_defense_fund_invoice_lines').selectAll().where('invoice_id', '=', invoiceId).orderBy('worked_on').orderBy('id').execute()).map(line);
  },
  async listInvoices(db: Executor, filter: { providerId?: string; contractId?: string; sourceId?: string; status?: string; limit: number }): Promise<InvoiceRow[]> {
    let q = db.selectFrom('legal_defense_fund_invoices').selectAll();
    if (filter.providerId) q = q.where('provider_id', '=', filter.providerId);
    if (filter.contractId) q = q.where('contract_id', '=', filter.contractId);
    if (filter.sourceId) q = q.where('source_id', '=', filter.sourceId);
    if (filter.status) q = q.where('status', '=', filter.status);
    return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute()).map(invoice);
  },
  /** Moves an invoice from one status to the next only if it is still in `from` (two clicks: one wins). */
  async moveInvoice(db: Executor, id: string, from: string, patch: Partial<Insertable<FundInvoiceTable>> & { status: string; updated_at: string }): Promise<boolean> {
    const res = await db.updateTable('legal_defense_fund_invoices').set(patch).where('id', '=', id).where('status', '=', from).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  /** Recomputes a draft's totals from its lines. */
  async retotal(db: Executor, id: string, at: string): Promise<void> {
    const row = await db
      .selectFrom('legal_defense_fund_invoice_lines')
      .select((eb) => [eb.fn.sum<number | string>('amount_cents').as('total'), eb.fn.countAll<number | string>().as('lines'), eb.fn.sum<number | string>('minutes').as('minutes'), eb.fn.count<number | string>('case_token').distinct().as('cases')])
      .where('invoice_id', '=', id)
      .executeTakeFirstOrThrow();
    await db.updateTable('legal_defense_fund_invoices').set({ total_cents: n(row.total), line_count: n(row.lines), minutes_total: n(row.minutes), case_count: n(row.cases), updated_at: at }).where('id', '=', id).execute();
  },
  async deactivateLines(db: Executor, invoiceId: string): Promise<void> {
    await db.updateTable('legal_defense_fund_invoice_lines').set({ active: 0 }).where('invoice_id', '=', invoiceId).execute();
  },
  async deleteLine(db: Executor, invoiceId: string, lineId: string): Promise<boolean> {
    const res = await db.deleteFrom('legal_defense_fund_invoice_lines').where('id', '=', lineId).where('invoice_id', '=', invoiceId).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  },
  async deleteInvoice(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('legal_defense_fund_invoice_lines').where('invoice_id', '=', id).execute();
    await db.deleteFrom('legal_defense_fund_invoices').where('id', '=', id).execute();
  },
  /** Cases already billed per case under any contract (lines in force), by blind index. */
  async billedCaseTokens(db: Executor, tokens: readonly string[]): Promise<Set<string>> {
    if (tokens.length === 0) return new Set();
    const out = new Set<string>();
    for (let i = 0; i < tokens.length; i += 500) {
      const rows = await db.selectFrom('legal_defense_fund_invoice_lines').select('case_token').where('kind', '=', 'case').where('active', '=', 1).where('case_token', 'in', tokens.slice(i, i + 500)).execute();
      for (const r of rows) out.add(r.case_token);
    }
    return out;
  },

  // Figures ------------------------------------------------------------------------------------------------
  /** Invoice totals by status, per source (or per contract with `by: 'contract_id'`). */
  async totalsBy(db: Executor, by: 'source_id' | 'contract_id', ids?: readonly string[]): Promise<Map<string, StatusTotals>> {
    let q = db
      .selectFrom('legal_defense_fund_invoices')
      .select((eb) => [eb.ref(by).as('key'), 'status', eb.fn.sum<number | string>('total_cents').as('cents')])
      .where('status', 'in', ['submitted', 'approved', 'paid']);
    if (ids) {
      if (ids.length === 0) return new Map();
      q = q.where(by, 'in', ids);
    }
    const rows = await q.groupBy([by, 'status']).execute();
    const out = new Map<string, StatusTotals>();
    for (const r of rows) {
      const t = out.get(r.key) ?? { submitted: 0, approved: 0, paid: 0 };
      t[r.status as keyof StatusTotals] += n(r.cents);
      out.set(r.key, t);
    }
    return out;
  },
  /** Approved and paid invoices of a source (or contract): the day each was approved and its total. */
  async approvals(db: Executor, filter: { sourceId?: string; contractId?: string }): Promise<Array<{ source_id: string; decided_at: string; total_cents: number }>> {
    let q = db.selectFrom('legal_defense_fund_invoices').select(['source_id', 'decided_at', 'total_cents']).where('status', 'in', ['approved', 'paid']).where('decided_at', 'is not', null);
    if (filter.sourceId) q = q.where('source_id', '=', filter.sourceId);
    if (filter.contractId) q = q.where('contract_id', '=', filter.contractId);
    return (await q.orderBy('decided_at').execute()).map((r) => ({ source_id: r.source_id, decided_at: r.decided_at as string, total_cents: n(r.total_cents) }));
  },
  /** Cases and hours billed on approved and paid invoices, per contract (units used against the cap). */
  async usedByContract(db: Executor, contractIds: readonly string[]): Promise<Map<string, { cases: number; minutes: number }>> {
    if (contractIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('legal_defense_fund_invoice_lines as l')
      .innerJoin('legal_defense_fund_invoices as i', 'i.id', 'l.invoice_id')
      .select((eb) => ['i.contract_id', eb.fn.count<number | string>('l.case_token').distinct().as('cases'), eb.fn.sum<number | string>('l.minutes').as('minutes')])
      .where('i.status', 'in', ['approved', 'paid'])
      .where('i.contract_id', 'in', contractIds)
      .groupBy('i.contract_id')
      .execute();
    return new Map(rows.map((r) => [r.contract_id, { cases: n(r.cases), minutes: n(r.minutes) }]));
  },
  /**
   * The funder report's figures: per provider, over approved and paid invoices of one source whose billing
   * period ends within [from, to] — distinct cases (by blind index), minutes, amounts approved and paid.
   */
  async reportByProvider(db: Executor, options: { sourceId: string; from: string; to: string }): Promise<Array<{ provider_id: string; cases: number; minutes: number; approved: number }>> {
    const rows = await db
      .selectFrom('legal_defense_fund_invoice_lines as l')
      .innerJoin('legal_defense_fund_invoices as i', 'i.id', 'l.invoice_id')
      .select((eb) => ['i.provider_id', eb.fn.count<number | string>('l.case_token').distinct().as('cases'), eb.fn.sum<number | string>('l.minutes').as('minutes'), eb.fn.sum<number | string>('l.amount_cents').as('approved')])
      .where('i.source_id', '=', options.sourceId)
      .where('i.status', 'in', ['approved', 'paid'])
      .where('i.period_to', '>=', options.from)
      .where('i.period_to', '<=', options.to)
      .groupBy('i.provider_id')
      .execute();
    return rows.map((r) => ({ provider_id: r.provider_id, cases: n(r.cases), minutes: n(r.minutes), approved: n(r.approved) }));
  },
  /** Paid amounts per provider over the same invoices as {@link reportByProvider}. */
  async reportPaidByProvider(db: Executor, options: { sourceId: string; from: string; to: string }): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('legal_defense_fund_invoices')
      .select((eb) => ['provider_id', eb.fn.sum<number | string>('total_cents').as('paid')])
      .where('source_id', '=', options.sourceId)
      .where('status', '=', 'paid')
      .where('period_to', '>=', options.from)
      .where('period_to', '<=', options.to)
      .groupBy('provider_id')
      .execute();
    return new Map(rows.map((r) => [r.provider_id, n(r.paid)]));
  },
  /** Minutes per activity over the same invoices (hourly lines). */
  async reportByActivity(db: Executor, options: { sourceId: string; from: string; to: string }): Promise<Array<{ activity: string; minutes: number }>> {
    const rows = await db
      .selectFrom('legal_defense_fund_invoice_lines as l')
      .innerJoin('legal_defense_fund_invoices as i', 'i.id', 'l.invoice_id')
      .select((eb) => ['l.activity', eb.fn.sum<number | string>('l.minutes').as('minutes')])
      .where('i.source_id', '=', options.sourceId)
      .where('i.status', 'in', ['approved', 'paid'])
      .where('i.period_to', '>=', options.from)
      .where('i.period_to', '<=', options.to)
      .where('l.kind', '=', 'time')
      .groupBy('l.activity')
      .execute();
    return rows.map((r) => ({ activity: r.activity ?? '', minutes: n(r.minutes) }));
  },
};
