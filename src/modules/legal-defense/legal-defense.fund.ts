/**
 * The fund of the detention-defense program: where the money comes from, what each provider may draw, the
 * attorney time behind it, invoices from draft to payment, the budget burn, and the funder report.
 *
 * - **Sources**: appropriations (a line of the city's budget for a fiscal year) and grants (a funder, its
 *   restrictions). **Contracts** draw on one source for one provider, per case (rate × case cap) or hourly
 *   (rate × hours cap); a ceiling is allocated only while the source has that much left unallocated (a
 *   conditional update, safe under concurrency).
 * - **Time entries** (day, minutes, activity code — never free text) on a case the provider accepted, by one of
 *   its attorneys or by program staff; rows of the case's vault subject, so forgetting the case deletes them.
 * - **Invoices** prepared from the provider's entries not yet billed (hourly) or the cases it accepted (per
 *   case); draft → submitted → approved or rejected (with a reason) → paid. Only program staff approve, never
 *   the provider, and not the person who submitted it; approving never takes a contract past its ceiling.
 *   An entry or a case is billed once: a unique index over the lines in force.
 * - **Burn**: allocated, invoiced, approved, paid and remaining per source and contract; the spending rate over
 *   the last N days and the projected day the money runs out (`legal-defense.fund.rules.ts`).
 * - **Funder report**: per source and period, cases represented, hours and amounts by provider — aggregates,
 *   with small case counts suppressed (`core/privacy/suppression.ts`).
 *
 * Reads that touch a case (its time entries; an invoice's lines) are audited. The fund never decrypts: it
 * reads only the plain columns of a case (provider, status, dates).
 */
import { randomId } from '../../core/crypto/random.ts';
import { type FiscalYear, fiscalYear, fiscalYearOf } from '../../core/jurisdiction/index.ts';
import { type Executor, type Tx, inTransaction } from '../../core/db/transaction.ts';
import { AppError, type FieldError } from '../../core/http/errors.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { type PublishedCell, suppressSeries } from '../../core/privacy/suppression.ts';
import { csvCell } from '../../core/privacy/transparency.service.ts';
import { type AmendmentRow, type ContractRow, type InvoiceLineRow, type InvoiceRow, type SourceRow, type StatusTotals, fundRepo } from './legal-defense.fund.repo.ts';
import {
  type Activity,
  type BalancePoint,
  type ContractBasis,
  DEFAULT_BURN_WINDOW_DAYS,
  type InvoiceStatus,
  type Projection,
  type RejectReason,
  type SourceKind,
  addDays,
  amendmentReasonFits,
  burnWindowDays,
  centsToDecimal,
  contractCeiling,
  hourlyAmount,
  monthlyBalance,
  projectRunOut,
  timeEntryProblem,
} from './legal-defense.fund.rules.ts';
import type { ContractAmendInput, ContractInput, InvoiceInput, PayInput, SourceAmendInput, SourceInput } from './legal-defense.fund.schemas.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import { CASE_RECORD, type StaffActor, cityDate, shortReference } from './legal-defense.service.ts';

/** Audit record types of the fund. */
export const FUND_RECORDS = { source: 'legal-defense.fund-source', contract: 'legal-defense.fund-contract', invoice: 'legal-defense.invoice' } as const;
/** Invoices are kept seven years after they were paid or rejected (public financial records; our choice, to confirm with the city's schedule). */
export const INVOICE_RETENTION_DAYS = 7 * 365;

/** Who acts on the fund: program staff (any provider), or a provider's attorney (their provider only). */
export type FundScope = 'program' | 'provider';

function invalid(field: string, key: string, values?: Record<string, string | number>): AppError {
  return new AppError('validation', { fields: [{ field, key, ...(values ? { values } : {}) }], messageKey: key });
}

/** The keyed blind index that stands for a case on invoice lines (it outlives the case, the link does not). */
export function caseToken(ctx: AppContext, caseId: string): string {
  return ctx.vault.blindIndex('legal_defense.fund.case', caseId);
}

/** The provider an attorney works for, or `not_found` when the account is linked to none. */
async function providerOf(tx: Executor, actor: StaffActor): Promise<string> {
  const id = await legalDefenseRepo.providerOfUser(tx, actor.userId);
  if (!id) throw new AppError('not_found');
  return id;
}

/** A denied read of a case's fund records: audited in a transaction of its own, then `not_found`. */
async function denied(ctx: AppContext, actor: StaffActor, record: { type: string; id: string }): Promise<never> {
  await ctx.audit.recordNow({ actor: { id: actor.userId, role: actor.role }, action: 'record.read', outcome: 'denied', record, purpose: 'case-work', requestId: actor.requestId, detail: 'reason.not-assigned' });
  throw new AppError('not_found');
}

// ---------------------------------------------------------------------------------------------------------
// Sources and contracts

/** Adds a funding source (program staff). */
export async function addSource(ctx: AppContext, actor: StaffActor, input: SourceInput): Promise<string> {
  const { startsOn, endsOn } = sourcePeriod(ctx, input);
  const id = randomId();
  const now = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    await fundRepo.insertSource(tx, {
      id,
      kind: input.kind,
      name: input.name,
      funder: input.funder ?? null,
      fiscal_year: input.kind === 'appropriation' ? (input.fiscalYear ?? null) : null,
      reference: input.reference ?? null,
      amount_cents: input.amount,
      allocated_cents: 0,
      starts_on: startsOn,
      ends_on: endsOn,
      restrictions: input.restrictions ?? null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.create', record: { type: FUND_RECORDS.source, id }, purpose: 'administration', requestId: actor.requestId, detail: `kind.${input.kind}` });
  });
  return id;
}

/**
 * A new source's period. An appropriation's dates default to its fiscal year's, and its first day must fall in
 * that year; its last day may run beyond it (money carried over). A grant brings both dates.
 */
function sourcePeriod(ctx: AppContext, input: SourceInput): { startsOn: string; endsOn: string } {
  if (input.kind === 'grant' || input.fiscalYear === undefined) {
    if (input.startsOn === undefined || input.endsOn === undefined) throw invalid(input.startsOn === undefined ? 'startsOn' : 'endsOn', 'legal-defense.fund.error.date');
    return { startsOn: input.startsOn, endsOn: input.endsOn };
  }
  const fy = fiscalYear(ctx.jurisdiction, input.fiscalYear);
  const startsOn = input.startsOn ?? fy.startsOn;
  const endsOn = input.endsOn ?? fy.endsOn;
  if (startsOn < fy.startsOn || startsOn > fy.endsOn) throw invalid('startsOn', 'legal-defense.fund.error.outsideFiscalYear', { year: fy.year, from: fy.startsOn, to: fy.endsOn });
  if (endsOn < startsOn) throw invalid('endsOn', 'legal-defense.fund.error.endBeforeStart');
  return { startsOn, endsOn };
}

/**
 * Adds a contract for a provider drawn on a source. Its ceiling (rate × cap) must fit in what the source has
 * left unallocated, and its period inside the source's; otherwise a translated 422 and nothing is written.
 */
export async function addContract(ctx: AppContext, actor: StaffActor, sourceId: string, input: ContractInput): Promise<string> {
  const id = randomId();
  const now = ctx.now().toISOString();
  const ceiling = contractCeiling(input.rate, input.cap);
  await inTransaction(ctx.db, async (tx) => {
    const source = await fundRepo.findSource(tx, sourceId);
    if (!source) throw new AppError('not_found');
    if (!(await legalDefenseRepo.findProvider(tx, input.providerId))) throw invalid('providerId', 'legal-defense.fund.error.choose');
    if (input.startsOn < source.starts_on) throw invalid('startsOn', 'legal-defense.fund.error.outsideSource', { from: source.starts_on, to: source.ends_on });
    if (input.endsOn > source.ends_on) throw invalid('endsOn', 'legal-defense.fund.error.outsideSource', { from: source.starts_on, to: source.ends_on });
    if (!(await fundRepo.allocate(tx, sourceId, ceiling, now))) {
      const fresh = await fundRepo.findSource(tx, sourceId);
      const left = fresh ? fresh.amount_cents - fresh.allocated_cents : 0;
      throw invalid('cap', 'legal-defense.fund.error.overSource', { ceiling: centsToDecimal(ceiling), left: centsToDecimal(left) });
    }
    await fundRepo.insertContract(tx, {
      id,
      source_id: sourceId,
      provider_id: input.providerId,
      basis: input.basis,
      rate_cents: input.rate,
      cap: input.cap,
      ceiling_cents: ceiling,
      approved_cents: 0,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      reference: input.reference ?? null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.create', record: { type: FUND_RECORDS.contract, id }, purpose: 'administration', requestId: actor.requestId, detail: `basis.${input.basis}` });
  });
  return id;
}

/**
 * Amends a source: a new amount (money added mid-year, or taken back) and/or a new last day, with the reason
 * and the council action or grant amendment number. The amount cannot drop below what contracts already hold,
 * nor the last day before a contract's last day (checked again by the update itself, so a contract added at
 * the same moment cannot slip past). Recorded with before and after, and audited.
 */
export async function amendSource(ctx: AppContext, actor: StaffActor, sourceId: string, input: SourceAmendInput): Promise<string> {
  const now = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    const source = await fundRepo.findSource(tx, sourceId);
    if (!source) throw new AppError('not_found');
    const amount = input.newAmount ?? source.amount_cents;
    const endsOn = input.newEndsOn ?? source.ends_on;
    if (amount === source.amount_cents && endsOn === source.ends_on) throw invalid('newAmount', 'legal-defense.fund.error.noChange');
    if (!amendmentReasonFits(input.amendReason, { before: source.amount_cents, after: amount, endsBefore: source.ends_on, endsAfter: endsOn })) throw invalid('amendReason', 'legal-defense.fund.error.reasonMismatch');
    if (endsOn < source.starts_on) throw invalid('newEndsOn', 'legal-defense.fund.error.endBeforeStart');
    if (amount < source.allocated_cents) throw invalid('newAmount', 'legal-defense.fund.error.belowAllocated', { allocated: centsToDecimal(source.allocated_cents) });
    const lastContractDay = await fundRepo.lastContractDay(tx, sourceId);
    if (lastContractDay !== null && endsOn < lastContractDay) throw invalid('newEndsOn', 'legal-defense.fund.error.beforeContracts', { date: lastContractDay });
    if (!(await fundRepo.amendSource(tx, sourceId, { amount_cents: amount, ends_on: endsOn }, now))) throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.changedMeanwhile' });
    await fundRepo.insertAmendment(tx, {
      id: randomId(),
      source_id: sourceId,
      contract_id: null,
      reason: input.amendReason,
      reference: input.amendReference ?? null,
      amount_before_cents: source.amount_cents,
      amount_after_cents: amount,
      cap_before: null,
      cap_after: null,
      ends_before: source.ends_on,
      ends_after: endsOn,
      amended_by: actor.userId,
      amended_at: now,
    });
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: FUND_RECORDS.source, id: sourceId }, purpose: 'administration', requestId: actor.requestId, detail: `amend.${input.amendReason}` });
  });
  return sourceId;
}

/**
 * Amends a contract: a new cap (cases or hours at the same rate) and/or a new last day. A higher ceiling is
 * allocated from the source only while the source has that much left; a lower one gives the difference back
 * to the source but cannot go below what was approved. The last day stays within the source's period and
 * not before the end of a billing period already invoiced. Recorded with before and after, and audited.
 */
export async function amendContract(ctx: AppContext, actor: StaffActor, contractId: string, input: ContractAmendInput): Promise<string> {
  const now = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    const contract = await fundRepo.findContract(tx, contractId);
    if (!contract) throw new AppError('not_found');
    const source = await fundRepo.findSource(tx, contract.source_id);
    if (!source) throw new AppError('not_found');
    const cap = input.newCap ?? contract.cap;
    const endsOn = input.newEndsOn ?? contract.ends_on;
    if (cap === contract.cap && endsOn === contract.ends_on) throw invalid('newCap', 'legal-defense.fund.error.noChange');
    if (!amendmentReasonFits(input.amendReason, { before: contract.cap, after: cap, endsBefore: contract.ends_on, endsAfter: endsOn })) throw invalid('amendReason', 'legal-defense.fund.error.reasonMismatch');
    if (endsOn < contract.starts_on) throw invalid('newEndsOn', 'legal-defense.fund.error.endBeforeStart');
    if (endsOn > source.ends_on) throw invalid('newEndsOn', 'legal-defense.fund.error.outsideSource', { from: source.starts_on, to: source.ends_on });
    const lastInvoiced = await fundRepo.lastInvoicedDay(tx, contractId);
    if (lastInvoiced !== null && endsOn < lastInvoiced) throw invalid('newEndsOn', 'legal-defense.fund.error.beforeInvoices', { date: lastInvoiced });
    const ceiling = contractCeiling(contract.rate_cents, cap);
    if (ceiling < contract.approved_cents) throw invalid('newCap', 'legal-defense.fund.error.belowApproved', { approved: centsToDecimal(contract.approved_cents) });
    const increase = ceiling - contract.ceiling_cents;
    if (increase !== 0 && !(await fundRepo.allocate(tx, source.id, increase, now))) {
      const fresh = await fundRepo.findSource(tx, source.id);
      throw invalid('newCap', 'legal-defense.fund.error.overSourceIncrease', { increase: centsToDecimal(increase), left: centsToDecimal(fresh ? fresh.amount_cents - fresh.allocated_cents : 0) });
    }
    if (!(await fundRepo.amendContract(tx, contractId, contract.ceiling_cents, { cap, ceiling_cents: ceiling, ends_on: endsOn }, now))) {
      throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.changedMeanwhile' });
    }
    await fundRepo.insertAmendment(tx, {
      id: randomId(),
      source_id: source.id,
      contract_id: contractId,
      reason: input.amendReason,
      reference: input.amendReference ?? null,
      amount_before_cents: contract.ceiling_cents,
      amount_after_cents: ceiling,
      cap_before: contract.cap,
      cap_after: cap,
      ends_before: contract.ends_on,
      ends_after: endsOn,
      amended_by: actor.userId,
      amended_at: now,
    });
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: FUND_RECORDS.contract, id: contractId }, purpose: 'administration', requestId: actor.requestId, detail: `amend.${input.amendReason}` });
  });
  return contractId;
}

// ---------------------------------------------------------------------------------------------------------
// Time entries

/** A case as the fund sees it: plain columns only. */
interface BillableCase {
  id: string;
  providerId: string;
  acceptedOn: string;
  closedOn: string | null;
}

/**
 * The case if the actor may bill time on it: the case was accepted by the provider that holds it, and (for an
 * attorney) that provider is theirs. `null` otherwise.
 */
async function billableCase(ctx: AppContext, tx: Executor, actor: StaffActor, scope: FundScope, caseId: string): Promise<BillableCase | null> {
  const row = await legalDefenseRepo.findCase(tx, caseId);
  if (!row?.provider_id) return null;
  if (scope === 'provider' && (await legalDefenseRepo.providerOfUser(tx, actor.userId)) !== row.provider_id) return null;
  const [accepted] = await fundRepo.acceptedCases(tx, row.provider_id, { caseId });
  if (!accepted?.accepted_at) return null;
  return {
    id: caseId,
    providerId: row.provider_id,
    acceptedOn: cityDate(ctx, new Date(accepted.accepted_at)),
    // The day the representation ended as recorded when the case was closed; else the day it was closed.
    closedOn: row.open === 1 ? null : (row.closed_on ?? (row.closed_at ? cityDate(ctx, new Date(row.closed_at)) : null)),
  };
}

/** The time entries of one case, for the case's billing page. */
export interface CaseTime {
  caseId: string;
  reference: string;
  providerId: string;
  acceptedOn: string;
  closedOn: string | null;
  totalMinutes: number;
  unbilledMinutes: number;
  entries: Array<{ id: string; workedOn: string; minutes: number; activity: Activity; invoiceId: string | null }>;
}

/** Opens a case's time entries (audited; outside the actor's scope: 404, audited as denied). */
export async function readCaseTime(ctx: AppContext, actor: StaffActor, scope: FundScope, caseId: string): Promise<CaseTime> {
  const result = await inTransaction(ctx.db, async (tx) => {
    const found = await billableCase(ctx, tx, actor, scope, caseId);
    if (!found) return null;
    const entries = await fundRepo.entriesOfCase(tx, caseId);
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.read', record: { type: CASE_RECORD, id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'fund.time-entries' });
    const total = entries.reduce((s, e) => s + e.minutes, 0);
    return {
      caseId,
      reference: shortReference(caseId),
      providerId: found.providerId,
      acceptedOn: found.acceptedOn,
      closedOn: found.closedOn,
      totalMinutes: total,
      unbilledMinutes: entries.filter((e) => !e.invoice_id).reduce((s, e) => s + e.minutes, 0),
      entries: entries.map((e) => ({ id: e.id, workedOn: e.worked_on, minutes: e.minutes, activity: e.activity as Activity, invoiceId: e.invoice_id })),
    } satisfies CaseTime;
  });
  return result ?? denied(ctx, actor, { type: CASE_RECORD, id: caseId });
}

const TIME_PROBLEM_FIELD: Record<NonNullable<ReturnType<typeof timeEntryProblem>>, { field: string; key: string }> = {
  minutes: { field: 'duration', key: 'legal-defense.fund.error.duration' },
  future: { field: 'workedOn', key: 'legal-defense.fund.error.future' },
  'before-acceptance': { field: 'workedOn', key: 'legal-defense.fund.error.beforeAcceptance' },
  'after-close': { field: 'workedOn', key: 'legal-defense.fund.error.afterClose' },
  'closed-too-long': { field: 'workedOn', key: 'legal-defense.fund.error.closedTooLong' },
  'day-full': { field: 'duration', key: 'legal-defense.fund.error.dayFull' },
};

/**
 * Records attorney time on a case the provider accepted (by one of its attorneys, or program staff on its
 * behalf). Not in the future, not before the acceptance, not after the case closed (beyond the late window),
 * within the per-entry and per-day bounds.
 */
export async function recordTime(ctx: AppContext, actor: StaffActor, scope: FundScope, caseId: string, input: { workedOn: string; minutes: number; activity: Activity }): Promise<string> {
  const id = randomId();
  const now = ctx.now();
  const today = cityDate(ctx, now);
  await inTransaction(ctx.db, async (tx) => {
    const found = await billableCase(ctx, tx, actor, scope, caseId);
    if (!found) throw new AppError('not_found');
    const problem = timeEntryProblem({ workedOn: input.workedOn, minutes: input.minutes, today, acceptedOn: found.acceptedOn, closedOn: found.closedOn, minutesThatDay: await fundRepo.minutesOnDay(tx, caseId, input.workedOn) });
    if (problem) {
      const p = TIME_PROBLEM_FIELD[problem];
      throw invalid(p.field, p.key, { accepted: found.acceptedOn, closed: found.closedOn ?? '' });
    }
    await fundRepo.insertTimeEntry(tx, { id, case_id: caseId, provider_id: found.providerId, worked_on: input.workedOn, minutes: input.minutes, activity: input.activity, entered_by: actor.userId, created_at: now.toISOString() });
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: CASE_RECORD, id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'fund.time-added' });
  });
  return id;
}

/** Deletes a time entry that is on no invoice in force. Returns the case it belonged to. */
export async function deleteTime(ctx: AppContext, actor: StaffActor, scope: FundScope, entryId: string): Promise<string> {
  return inTransaction(ctx.db, async (tx) => {
    const entry = await fundRepo.findTimeEntry(tx, entryId);
    if (!entry || !(await billableCase(ctx, tx, actor, scope, entry.case_id))) throw new AppError('not_found');
    if (await fundRepo.isBilled(tx, entryId)) throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.entryBilled' });
    await fundRepo.deleteTimeEntry(tx, entryId);
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: CASE_RECORD, id: entry.case_id }, purpose: 'case-work', requestId: actor.requestId, detail: 'fund.time-deleted' });
    return entry.case_id;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Invoices

/** True for a unique-index violation (SQLite or PostgreSQL). */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || (typeof e?.message === 'string' && e.message.includes('UNIQUE constraint failed'));
}

/** Loads an invoice within the actor's scope (an attorney: their provider's only), or `not_found`. */
async function scopedInvoice(tx: Executor, actor: StaffActor, scope: FundScope, id: string): Promise<InvoiceRow> {
  const row = await fundRepo.findInvoice(tx, id);
  if (!row) throw new AppError('not_found');
  if (scope === 'provider' && (await providerOf(tx, actor)) !== row.provider_id) throw new AppError('not_found');
  return row;
}

/**
 * Prepares a draft invoice for a contract and a billing period: hourly — the provider's time entries of the
 * period not yet on an invoice, at the contract's rate; per case — the cases it accepted in the period not yet
 * billed, up to what is left of the case cap. The period must lie within the contract's and not in the future.
 */
export async function buildInvoice(ctx: AppContext, actor: StaffActor, scope: FundScope, input: InvoiceInput): Promise<string> {
  const id = randomId();
  const now = ctx.now();
  const nowIso = now.toISOString();
  const today = cityDate(ctx, now);
  if (input.to > today) throw invalid('to', 'legal-defense.fund.error.future');
  try {
    await inTransaction(ctx.db, async (tx) => {
      const contract = await fundRepo.findContract(tx, input.contractId);
      if (!contract || (scope === 'provider' && (await providerOf(tx, actor)) !== contract.provider_id)) throw invalid('contractId', 'legal-defense.fund.error.choose');
      if (input.from < contract.starts_on || input.to > contract.ends_on) throw invalid('from', 'legal-defense.fund.error.outsideContract', { from: contract.starts_on, to: contract.ends_on });
      const lines: InvoiceLineRow[] = [];
      if ((contract.basis as ContractBasis) === 'hourly') {
        for (const e of await fundRepo.unbilledEntries(tx, { providerId: contract.provider_id, from: input.from, to: input.to })) {
          lines.push({ id: randomId(), invoice_id: id, kind: 'time', time_entry_id: e.id, case_id: e.case_id, case_token: caseToken(ctx, e.case_id), worked_on: e.worked_on, activity: e.activity, minutes: e.minutes, rate_cents: contract.rate_cents, amount_cents: hourlyAmount(e.minutes, contract.rate_cents), active: 1 });
        }
      } else {
        const accepted = (await fundRepo.acceptedCases(tx, contract.provider_id)).map((c) => ({ id: c.id, on: cityDate(ctx, new Date(c.accepted_at)) })).filter((c) => c.on >= input.from && c.on <= input.to);
        const billed = await fundRepo.billedCaseTokens(tx, accepted.map((c) => caseToken(ctx, c.id)));
        const used = await casesInForce(tx, contract.id);
        const room = contract.cap - used;
        const open = accepted.filter((c) => !billed.has(caseToken(ctx, c.id))).sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.id < b.id ? -1 : 1));
        if (open.length > 0 && room <= 0) throw invalid('contractId', 'legal-defense.fund.error.capReached');
        for (const c of open.slice(0, Math.max(0, room))) {
          lines.push({ id: randomId(), invoice_id: id, kind: 'case', time_entry_id: null, case_id: c.id, case_token: caseToken(ctx, c.id), worked_on: c.on, activity: null, minutes: 0, rate_cents: contract.rate_cents, amount_cents: contract.rate_cents, active: 1 });
        }
      }
      if (lines.length === 0) throw invalid('from', 'legal-defense.fund.error.nothingToInvoice');
      await fundRepo.insertInvoice(tx, {
        id,
        contract_id: contract.id,
        source_id: contract.source_id,
        provider_id: contract.provider_id,
        basis: contract.basis,
        period_from: input.from,
        period_to: input.to,
        status: 'draft',
        total_cents: 0,
        line_count: 0,
        minutes_total: 0,
        case_count: 0,
        reject_reason: null,
        payment_reference: null,
        paid_on: null,
        created_by: actor.userId,
        created_at: nowIso,
        submitted_by: null,
        submitted_at: null,
        decided_by: null,
        decided_at: null,
        paid_by: null,
        closed_at: null,
        updated_at: nowIso,
      });
      await fundRepo.insertLines(tx, lines);
      await fundRepo.retotal(tx, id, nowIso);
      await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.create', record: { type: FUND_RECORDS.invoice, id }, purpose: 'case-work', requestId: actor.requestId, detail: `basis.${contract.basis}` });
    });
  } catch (err) {
    // Someone billed the same entries or cases at the same moment: the unique index let one invoice through.
    if (isUniqueViolation(err)) throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.billedMeanwhile' });
    throw err;
  }
  return id;
}

/** Cases on per-case lines in force for a contract (drafts, submitted, approved, paid). */
async function casesInForce(tx: Executor, contractId: string): Promise<number> {
  const row = await tx
    .selectFrom('legal_defense_fund_invoice_lines as l')
    .innerJoin('legal_defense_fund_invoices as i', 'i.id', 'l.invoice_id')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('i.contract_id', '=', contractId)
    .where('l.kind', '=', 'case')
    .where('l.active', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function auditInvoice(ctx: AppContext, tx: Tx, actor: StaffActor, id: string, detail: string, purpose: 'case-work' | 'administration' = 'case-work') {
  return ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: FUND_RECORDS.invoice, id }, purpose, requestId: actor.requestId, detail });
}

/** The provider (or staff on its behalf) submits a draft to the program. */
export async function submitInvoice(ctx: AppContext, actor: StaffActor, scope: FundScope, id: string): Promise<void> {
  const now = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    const row = await scopedInvoice(tx, actor, scope, id);
    if (row.line_count === 0) throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.emptyInvoice' });
    if (!(await fundRepo.moveInvoice(tx, id, 'draft', { status: 'submitted', submitted_by: actor.userId, submitted_at: now, updated_at: now }))) throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.notDraft' });
    await auditInvoice(ctx, tx, actor, id, 'fund.invoice-submitted');
  });
}

/** Discards a draft (its entries and cases can be billed again). */
export async function discardInvoice(ctx: AppContext, actor: StaffActor, scope: FundScope, id: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await scopedInvoice(tx, actor, scope, id);
    if (row.status !== 'draft') throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.notDraft' });
    await fundRepo.deleteInvoice(tx, id);
    await auditInvoice(ctx, tx, actor, id, 'fund.invoice-discarded');
  });
}

/** Takes one line off a draft (the entry or case can go on a later invoice). */
export async function removeLine(ctx: AppContext, actor: StaffActor, scope: FundScope, id: string, lineId: string): Promise<void> {
  const now = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    const row = await scopedInvoice(tx, actor, scope, id);
    if (row.status !== 'draft') throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.notDraft' });
    if (!(await fundRepo.deleteLine(tx, id, lineId))) throw new AppError('not_found');
    await fundRepo.retotal(tx, id, now);
    await auditInvoice(ctx, tx, actor, id, 'fund.line-removed');
  });
}

/** Program staff only, and never the provider: refuses an approver linked to the invoice's provider or who submitted it. */
async function checkApprover(tx: Executor, actor: StaffActor, row: InvoiceRow): Promise<void> {
  if ((await legalDefenseRepo.providerOfUser(tx, actor.userId)) === row.provider_id) throw new AppError('forbidden', { messageKey: 'legal-defense.fund.error.ownProvider' });
  if (row.submitted_by === actor.userId) throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.fourEyes' });
}

/**
 * Approves a submitted invoice: its total is added to the contract's approved amount only while that stays
 * within the ceiling (a conditional update); otherwise a translated 422 and the invoice stays submitted.
 */
export async function approveInvoice(ctx: AppContext, actor: StaffActor, id: string): Promise<void> {
  const now = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    const row = await scopedInvoice(tx, actor, 'program', id);
    if (row.status !== 'submitted') throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.notSubmitted' });
    await checkApprover(tx, actor, row);
    if (!(await fundRepo.approveAgainst(tx, row.contract_id, row.total_cents, now))) {
      const contract = await fundRepo.findContract(tx, row.contract_id);
      const left = contract ? contract.ceiling_cents - contract.approved_cents : 0;
      throw new AppError('validation', { fields: [{ field: 'decision', key: 'legal-defense.fund.error.overCeiling', values: { total: centsToDecimal(row.total_cents), left: centsToDecimal(left) } }], messageKey: 'legal-defense.fund.error.overCeiling' });
    }
    if (!(await fundRepo.moveInvoice(tx, id, 'submitted', { status: 'approved', decided_by: actor.userId, decided_at: now, updated_at: now }))) throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.notSubmitted' });
    await auditInvoice(ctx, tx, actor, id, 'fund.invoice-approved', 'administration');
  });
}

/** Sends a submitted invoice back with a reason; its entries and cases are free to bill again. */
export async function rejectInvoice(ctx: AppContext, actor: StaffActor, id: string, reason: RejectReason): Promise<void> {
  const now = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    const row = await scopedInvoice(tx, actor, 'program', id);
    await checkApprover(tx, actor, row);
    if (!(await fundRepo.moveInvoice(tx, id, 'submitted', { status: 'rejected', reject_reason: reason, decided_by: actor.userId, decided_at: now, closed_at: now, updated_at: now }))) {
      throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.notSubmitted' });
    }
    await fundRepo.deactivateLines(tx, id);
    await auditInvoice(ctx, tx, actor, id, 'fund.invoice-rejected', 'administration');
  });
}

/** Records the payment of an approved invoice (the day paid, not before approval nor in the future). */
export async function payInvoice(ctx: AppContext, actor: StaffActor, id: string, input: PayInput): Promise<void> {
  const now = ctx.now();
  const today = cityDate(ctx, now);
  await inTransaction(ctx.db, async (tx) => {
    const row = await scopedInvoice(tx, actor, 'program', id);
    if (row.status !== 'approved') throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.notApproved' });
    if (input.paidOn > today) throw invalid('paidOn', 'legal-defense.fund.error.future');
    const approvedOn = row.decided_at ? cityDate(ctx, new Date(row.decided_at)) : today;
    if (input.paidOn < approvedOn) throw invalid('paidOn', 'legal-defense.fund.error.beforeApproval', { approved: approvedOn });
    if (!(await fundRepo.moveInvoice(tx, id, 'approved', { status: 'paid', paid_on: input.paidOn, payment_reference: input.reference ?? null, paid_by: actor.userId, closed_at: now.toISOString(), updated_at: now.toISOString() }))) {
      throw new AppError('conflict', { messageKey: 'legal-defense.fund.error.notApproved' });
    }
    await auditInvoice(ctx, tx, actor, id, 'fund.invoice-paid', 'administration');
  });
}

/** An invoice with its lines, as its page shows it. */
export interface InvoiceDetail {
  invoice: InvoiceRow;
  reference: string;
  contract: ContractRow;
  source: SourceRow;
  providerName: string;
  lines: Array<InvoiceLineRow & { caseReference: string | null }>;
  /** What the contract has left before this invoice (ceiling − approved). */
  contractLeftCents: number;
}

/** Opens an invoice (audited: its lines touch cases; outside the actor's scope: 404, audited as denied). */
export async function readInvoice(ctx: AppContext, actor: StaffActor, scope: FundScope, id: string): Promise<InvoiceDetail> {
  const result = await inTransaction(ctx.db, async (tx) => {
    const row = await fundRepo.findInvoice(tx, id);
    if (!row) throw new AppError('not_found');
    if (scope === 'provider' && (await legalDefenseRepo.providerOfUser(tx, actor.userId)) !== row.provider_id) return null;
    const contract = await fundRepo.findContract(tx, row.contract_id);
    const source = await fundRepo.findSource(tx, row.source_id);
    if (!contract || !source) throw new AppError('not_found');
    const provider = await legalDefenseRepo.findProvider(tx, row.provider_id);
    const lines = (await fundRepo.linesOf(tx, id)).map((l) => ({ ...l, caseReference: l.case_id ? shortReference(l.case_id) : null }));
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.read', record: { type: FUND_RECORDS.invoice, id }, purpose: scope === 'program' ? 'supervision' : 'case-work', requestId: actor.requestId, detail: 'fund.invoice' });
    return { invoice: row, reference: shortReference(id), contract, source, providerName: provider?.name ?? '', lines, contractLeftCents: contract.ceiling_cents - contract.approved_cents } satisfies InvoiceDetail;
  });
  return result ?? denied(ctx, actor, { type: FUND_RECORDS.invoice, id });
}

/** Every source, newest first (for the report's choice). */
export async function listSources(ctx: AppContext): Promise<SourceRow[]> {
  return fundRepo.listSources(ctx.db.kysely);
}

/** Providers by name, for choices and labels. */
export async function providerList(ctx: AppContext): Promise<Array<{ id: string; name: string }>> {
  return (await legalDefenseRepo.listProviders(ctx.db.kysely)).map((p) => ({ id: p.id, name: p.name }));
}

/** Invoices for the program's list (no case is shown, so not an audited read). */
export async function listInvoices(ctx: AppContext, filter: { status?: InvoiceStatus; providerId?: string; contractId?: string }): Promise<InvoiceRow[]> {
  return fundRepo.listInvoices(ctx.db.kysely, { ...filter, limit: 500 });
}

// ---------------------------------------------------------------------------------------------------------
// Budget burn

/** The money of one source or contract, and how fast it goes. */
export interface Burn {
  /** The source's amount, or the contract's ceiling. */
  amountCents: number;
  /** Sources: the ceilings of their contracts. Contracts: their ceiling. */
  allocatedCents: number;
  /** Submitted, approved and paid invoices. */
  invoicedCents: number;
  /** Approved and paid. */
  approvedCents: number;
  paidCents: number;
  /** Amount − approved. */
  remainingCents: number;
  /** Approved within the window. */
  spentInWindowCents: number;
  /** The window actually used (never reaching before the start). */
  windowDays: number;
  projection: Projection;
  endsOn: string;
}

function burnOf(options: { amount: number; allocated: number; totals: StatusTotals | undefined; approvals: ReadonlyArray<{ decided_at: string; total_cents: number }>; startsOn: string; endsOn: string; windowDays: number; today: string; ctx: AppContext }): Burn {
  const t = options.totals ?? { submitted: 0, approved: 0, paid: 0 };
  const window = burnWindowDays({ windowDays: options.windowDays, startsOn: options.startsOn, today: options.today });
  const since = addDays(options.today, -window);
  const spent = options.approvals.filter((a) => {
    const on = cityDate(options.ctx, new Date(a.decided_at));
    return on > since && on <= options.today;
  }).reduce((s, a) => s + a.total_cents, 0);
  const approved = t.approved + t.paid;
  const remaining = options.amount - approved;
  return {
    amountCents: options.amount,
    allocatedCents: options.allocated,
    invoicedCents: t.submitted + approved,
    approvedCents: approved,
    paidCents: t.paid,
    remainingCents: remaining,
    spentInWindowCents: spent,
    windowDays: window,
    projection: projectRunOut({ remainingCents: remaining, spentCents: spent, windowDays: window, today: options.today }),
    endsOn: options.endsOn,
  };
}

/** A source with its burn. */
export interface SourceBurn {
  source: SourceRow;
  burn: Burn;
  contracts: number;
}

/** The fund at a glance: every source's burn, the totals, and invoices waiting for a decision. */
export interface FundOverview {
  today: string;
  /** The fiscal year today falls in (new appropriations default to it). */
  fiscalYear: FiscalYear;
  windowDays: number;
  sources: SourceBurn[];
  total: Burn | null;
  waiting: number;
}

/** Every source's burn, the fund's total, and how many invoices wait for approval. */
export async function fundOverview(ctx: AppContext, options: { windowDays?: number } = {}): Promise<FundOverview> {
  const db = ctx.db.kysely;
  const today = cityDate(ctx, ctx.now());
  const windowDays = options.windowDays ?? DEFAULT_BURN_WINDOW_DAYS;
  const sources = await fundRepo.listSources(db);
  const totals = await fundRepo.totalsBy(db, 'source_id');
  const contracts = await fundRepo.listContracts(db);
  const approvals = await fundRepo.approvals(db, {});
  const bySource = new Map<string, Array<{ decided_at: string; total_cents: number }>>();
  for (const a of approvals) bySource.set(a.source_id, [...(bySource.get(a.source_id) ?? []), a]);
  const rows: SourceBurn[] = sources.map((s) => ({
    source: s,
    contracts: contracts.filter((c) => c.source_id === s.id).length,
    burn: burnOf({ amount: s.amount_cents, allocated: s.allocated_cents, totals: totals.get(s.id), approvals: bySource.get(s.id) ?? [], startsOn: s.starts_on, endsOn: s.ends_on, windowDays, today, ctx }),
  }));
  let total: Burn | null = null;
  if (sources.length > 0) {
    const sum = (f: (b: Burn) => number) => rows.reduce((s, r) => s + f(r.burn), 0);
    const all: StatusTotals = { submitted: 0, approved: 0, paid: 0 };
    for (const t of totals.values()) {
      all.submitted += t.submitted;
      all.approved += t.approved;
      all.paid += t.paid;
    }
    const startsOn = sources.reduce((m, s) => (s.starts_on < m ? s.starts_on : m), sources[0]?.starts_on ?? today);
    const endsOn = sources.reduce((m, s) => (s.ends_on > m ? s.ends_on : m), sources[0]?.ends_on ?? today);
    total = burnOf({ amount: sum((b) => b.amountCents), allocated: sum((b) => b.allocatedCents), totals: all, approvals, startsOn, endsOn, windowDays, today, ctx });
  }
  const waiting = Number((await db.selectFrom('legal_defense_fund_invoices').select((eb) => eb.fn.countAll<number | string>().as('n')).where('status', '=', 'submitted').executeTakeFirstOrThrow()).n);
  return { today, fiscalYear: fiscalYearOf(ctx.jurisdiction, today), windowDays, sources: rows, total, waiting };
}

/**
 * The fund's totals for other parts of the module (the outcomes dashboard): amounts in cents over every
 * source, the same figures as the fund page's total row.
 */
export async function fundTotals(ctx: AppContext): Promise<{ amountCents: number; allocatedCents: number; invoicedCents: number; approvedCents: number; paidCents: number; remainingCents: number }> {
  const o = await fundOverview(ctx);
  const b = o.total;
  return b
    ? { amountCents: b.amountCents, allocatedCents: b.allocatedCents, invoicedCents: b.invoicedCents, approvedCents: b.approvedCents, paidCents: b.paidCents, remainingCents: b.remainingCents }
    : { amountCents: 0, allocatedCents: 0, invoicedCents: 0, approvedCents: 0, paidCents: 0, remainingCents: 0 };
}

/** A contract with its burn and the units billed against its cap. */
export interface ContractBurn {
  contract: ContractRow;
  providerName: string;
  burn: Burn;
  /** Cases (per case) or minutes (hourly) on approved and paid invoices. */
  usedCases: number;
  usedMinutes: number;
}

async function contractBurns(ctx: AppContext, db: Executor, contracts: readonly ContractRow[], windowDays: number, today: string): Promise<ContractBurn[]> {
  const ids = contracts.map((c) => c.id);
  const totals = await fundRepo.totalsBy(db, 'contract_id', ids);
  const used = await fundRepo.usedByContract(db, ids);
  const names = new Map((await legalDefenseRepo.listProviders(db)).map((p) => [p.id, p.name]));
  const out: ContractBurn[] = [];
  for (const c of contracts) {
    const approvals = await fundRepo.approvals(db, { contractId: c.id });
    out.push({
      contract: c,
      providerName: names.get(c.provider_id) ?? '',
      burn: burnOf({ amount: c.ceiling_cents, allocated: c.ceiling_cents, totals: totals.get(c.id), approvals, startsOn: c.starts_on, endsOn: c.ends_on, windowDays, today, ctx }),
      usedCases: used.get(c.id)?.cases ?? 0,
      usedMinutes: used.get(c.id)?.minutes ?? 0,
    });
  }
  return out;
}

/** One source: its burn, its balance month by month (the chart and its table), its contracts. */
export interface SourceDetail {
  today: string;
  windowDays: number;
  source: SourceRow;
  burn: Burn;
  balance: BalancePoint[];
  /** The amount in force on the source's first day (before the amendments made after it). */
  startAmountCents: number;
  contracts: ContractBurn[];
  /** The source's amendments and its contracts', newest first. */
  amendments: AmendmentRow[];
}

/** A source's page. */
export async function sourceDetail(ctx: AppContext, id: string, options: { windowDays?: number } = {}): Promise<SourceDetail> {
  const db = ctx.db.kysely;
  const today = cityDate(ctx, ctx.now());
  const windowDays = options.windowDays ?? DEFAULT_BURN_WINDOW_DAYS;
  const source = await fundRepo.findSource(db, id);
  if (!source) throw new AppError('not_found');
  const approvals = await fundRepo.approvals(db, { sourceId: id });
  const totals = await fundRepo.totalsBy(db, 'source_id', [id]);
  const burn = burnOf({ amount: source.amount_cents, allocated: source.allocated_cents, totals: totals.get(id), approvals, startsOn: source.starts_on, endsOn: source.ends_on, windowDays, today, ctx });
  const until = today < source.ends_on ? today : source.ends_on;
  const amendments = await fundRepo.amendmentsOf(db, { sourceId: id });
  const amountChanges = amendments.filter((a) => a.contract_id === null && a.amount_after_cents !== a.amount_before_cents).map((a) => ({ on: cityDate(ctx, new Date(a.amended_at)), cents: a.amount_after_cents - a.amount_before_cents }));
  const balance = monthlyBalance({ amountCents: source.amount_cents, startsOn: source.starts_on, until, amountChanges, approvals: approvals.map((a) => ({ on: cityDate(ctx, new Date(a.decided_at)), cents: a.total_cents })) });
  return {
    today,
    windowDays,
    source,
    burn,
    balance,
    startAmountCents: source.amount_cents - amountChanges.filter((c) => c.on > source.starts_on).reduce((sum, c) => sum + c.cents, 0),
    contracts: await contractBurns(ctx, db, await fundRepo.listContracts(db, { sourceId: id }), windowDays, today),
    amendments,
  };
}

/** A contract's page: its burn, its invoices, and the provider's cases it can bill. */
export interface ContractDetail {
  today: string;
  windowDays: number;
  source: SourceRow;
  entry: ContractBurn;
  invoices: InvoiceRow[];
  cases: BillingCase[];
  /** The contract's amendments, newest first. */
  amendments: AmendmentRow[];
}

/** A case a provider may bill: reference, status, when accepted, minutes entered and not yet billed. */
export interface BillingCase {
  id: string;
  reference: string;
  status: string;
  open: boolean;
  acceptedOn: string;
  minutes: number;
  unbilledMinutes: number;
}

async function billingCases(ctx: AppContext, db: Executor, providerId: string): Promise<BillingCase[]> {
  const minutes = await fundRepo.minutesByCase(db, providerId);
  return (await fundRepo.acceptedCases(db, providerId)).map((c) => ({
    id: c.id,
    reference: shortReference(c.id),
    status: c.status,
    open: c.open === 1,
    acceptedOn: cityDate(ctx, new Date(c.accepted_at)),
    minutes: minutes.get(c.id)?.minutes ?? 0,
    unbilledMinutes: minutes.get(c.id)?.unbilled ?? 0,
  }));
}

/** A contract's page for program staff. */
export async function contractDetail(ctx: AppContext, id: string, options: { windowDays?: number } = {}): Promise<ContractDetail> {
  const db = ctx.db.kysely;
  const today = cityDate(ctx, ctx.now());
  const windowDays = options.windowDays ?? DEFAULT_BURN_WINDOW_DAYS;
  const contract = await fundRepo.findContract(db, id);
  if (!contract) throw new AppError('not_found');
  const source = await fundRepo.findSource(db, contract.source_id);
  if (!source) throw new AppError('not_found');
  const [entry] = await contractBurns(ctx, db, [contract], windowDays, today);
  return {
    today,
    windowDays,
    source,
    entry: entry as ContractBurn,
    invoices: await fundRepo.listInvoices(db, { contractId: id, limit: 500 }),
    cases: await billingCases(ctx, db, contract.provider_id),
    amendments: await fundRepo.amendmentsOf(db, { contractId: id }),
  };
}

/** A provider's billing page: its contracts and their burn, its billable cases, its invoices. */
export interface ProviderBilling {
  today: string;
  providerId: string | null;
  providerName: string;
  contracts: ContractBurn[];
  sources: Map<string, SourceRow>;
  cases: BillingCase[];
  invoices: InvoiceRow[];
}

/** The attorney's billing page (empty when the account is linked to no provider). */
export async function providerBilling(ctx: AppContext, actor: StaffActor): Promise<ProviderBilling> {
  const db = ctx.db.kysely;
  const today = cityDate(ctx, ctx.now());
  const providerId = await legalDefenseRepo.providerOfUser(db, actor.userId);
  if (!providerId) return { today, providerId: null, providerName: '', contracts: [], sources: new Map(), cases: [], invoices: [] };
  const provider = await legalDefenseRepo.findProvider(db, providerId);
  const contracts = await fundRepo.listContracts(db, { providerId });
  const sources = new Map((await fundRepo.listSources(db)).filter((s) => contracts.some((c) => c.source_id === s.id)).map((s) => [s.id, s]));
  return {
    today,
    providerId,
    providerName: provider?.name ?? '',
    contracts: await contractBurns(ctx, db, contracts, DEFAULT_BURN_WINDOW_DAYS, today),
    sources,
    cases: await billingCases(ctx, db, providerId),
    invoices: await fundRepo.listInvoices(db, { providerId, limit: 200 }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The funder report

/** One row of the funder report: a provider's figures, each hidden when its case count is. */
export interface ReportRow {
  providerId: string | null;
  name: string;
  cases: PublishedCell;
  /** Hours in tenths (integer), hidden with the cases. */
  hoursTenths: PublishedCell;
  approvedCents: PublishedCell;
  paidCents: PublishedCell;
}

/** The funder report of one source over a period. */
export interface FunderReport {
  source: SourceRow;
  from: string;
  to: string;
  /**
   * The source's money at the end of the period. What was approved, paid and is left is hidden with the total
   * count of cases: over the source's whole period it is the total row's amount, and a per-case rate turns it
   * back into the count.
   */
  position: { amountCents: number; allocatedCents: number; approvedCents: PublishedCell; paidCents: PublishedCell; remainingCents: PublishedCell };
  rows: ReportRow[];
  total: ReportRow;
  /** Hours by activity, hidden with the total count of cases (they add up to the total's hours). */
  activities: Array<{ activity: Activity; hoursTenths: PublishedCell }>;
  suppressedCount: number;
}

const hidden = (reason: 'primary' | 'complementary'): PublishedCell => ({ suppressed: true, reason });
const shown = (value: number): PublishedCell => ({ suppressed: false, value });

/**
 * The funder report: for one source, the approved and paid invoices whose billing period ends in [from, to] —
 * cases represented (distinct cases, counted by blind index so forgotten cases still count), hours and amounts
 * by provider. Case counts from 1 to 10 are suppressed (with complementary cells, so none can be derived), and
 * a provider's hours and amounts are hidden with its case count (a per-case amount would give the count away).
 */
export async function funderReport(ctx: AppContext, options: { sourceId: string; from?: string; to?: string; fiscalYear?: number }): Promise<FunderReport> {
  const db = ctx.db.kysely;
  const source = await fundRepo.findSource(db, options.sourceId);
  if (!source) throw new AppError('not_found');
  const { from, to } = reportPeriod(ctx, source, options);
  const figures = await fundRepo.reportByProvider(db, { sourceId: source.id, from, to });
  const paid = await fundRepo.reportPaidByProvider(db, { sourceId: source.id, from, to });
  const names = new Map((await legalDefenseRepo.listProviders(db)).map((p) => [p.id, p.name]));
  const ordered = [...figures].sort((a, b) => (names.get(a.provider_id) ?? '').localeCompare(names.get(b.provider_id) ?? '') || (a.provider_id < b.provider_id ? -1 : 1));
  // No approved invoice in the period: nothing to suppress, the total is a true zero.
  const series = ordered.length > 0 ? suppressSeries(ordered.map((f) => f.cases)) : { values: [], total: shown(0), suppressedCount: 0 };
  const mask = (cell: PublishedCell, value: number): PublishedCell => (cell.suppressed ? hidden(cell.reason) : shown(value));
  const tenths = (minutes: number) => Math.floor((minutes * 10 + 30) / 60);
  const rows: ReportRow[] = ordered.map((f, i) => {
    const cell = series.values[i] as PublishedCell;
    return { providerId: f.provider_id, name: names.get(f.provider_id) ?? '', cases: cell, hoursTenths: mask(cell, tenths(f.minutes)), approvedCents: mask(cell, f.approved), paidCents: mask(cell, paid.get(f.provider_id) ?? 0) };
  });
  const sum = (f: (x: (typeof ordered)[number]) => number) => ordered.reduce((s, x) => s + f(x), 0);
  const total: ReportRow = {
    providerId: null,
    name: '',
    cases: series.total,
    hoursTenths: mask(series.total, tenths(sum((f) => f.minutes))),
    approvedCents: mask(series.total, sum((f) => f.approved)),
    paidCents: mask(series.total, sum((f) => paid.get(f.provider_id) ?? 0)),
  };
  // The money position at the end of the period: approvals up to that day.
  const approvals = await fundRepo.approvals(db, { sourceId: source.id });
  const paidUpTo = await db
    .selectFrom('legal_defense_fund_invoices')
    .select((eb) => eb.fn.sum<number | string>('total_cents').as('c'))
    .where('source_id', '=', source.id)
    .where('status', '=', 'paid')
    .where('paid_on', '<=', to)
    .executeTakeFirst();
  const approvedUpTo = approvals.filter((a) => cityDate(ctx, new Date(a.decided_at)) <= to).reduce((s, a) => s + a.total_cents, 0);
  const withTotal = (value: number) => mask(series.total, value);
  const activities = (await fundRepo.reportByActivity(db, { sourceId: source.id, from, to })).map((a) => ({ activity: a.activity as Activity, hoursTenths: withTotal(tenths(a.minutes)) }));
  return {
    source,
    from,
    to,
    position: {
      amountCents: source.amount_cents,
      allocatedCents: source.allocated_cents,
      approvedCents: withTotal(approvedUpTo),
      paidCents: withTotal(Number(paidUpTo?.c ?? 0)),
      remainingCents: withTotal(source.amount_cents - approvedUpTo),
    },
    rows,
    total,
    activities: activities.sort((a, b) => a.activity.localeCompare(b.activity)),
    suppressedCount: series.suppressedCount,
  };
}

/**
 * The period a funder report covers: the dates given, else the source's days in the fiscal year asked for, else
 * the source's whole period; never past today.
 */
function reportPeriod(ctx: AppContext, source: SourceRow, options: { from?: string; to?: string; fiscalYear?: number }): { from: string; to: string } {
  const today = cityDate(ctx, ctx.now());
  const later = (a: string, b: string) => (a > b ? a : b);
  const earlier = (a: string, b: string) => (a < b ? a : b);
  let first = source.starts_on;
  let last = earlier(today, source.ends_on);
  if (options.fiscalYear !== undefined) {
    const fy = fiscalYear(ctx.jurisdiction, options.fiscalYear);
    first = later(first, fy.startsOn);
    last = earlier(last, fy.endsOn);
    if (last < first && options.from === undefined && options.to === undefined) throw invalid('fy', 'legal-defense.fund.error.noDaysInYear', { year: fy.year });
  }
  const from = options.from ?? first;
  const to = options.to ?? last;
  if (to < from) throw invalid('to', 'legal-defense.fund.error.endBeforeStart');
  return { from, to };
}

/** Sources with at least one day in fiscal year `year`, up to today. */
export function sourcesInFiscalYear(ctx: AppContext, sources: readonly SourceRow[], year: number): SourceRow[] {
  const fy = fiscalYear(ctx.jurisdiction, year);
  const today = cityDate(ctx, ctx.now());
  return sources.filter((s) => s.starts_on <= fy.endsOn && s.ends_on >= fy.startsOn && s.starts_on <= today);
}

/** The fiscal years the sources run over, latest first, with the current one always offered. */
export function fiscalYearsOf(ctx: AppContext, sources: readonly SourceRow[]): number[] {
  const years = new Set<number>([fiscalYearOf(ctx.jurisdiction, cityDate(ctx, ctx.now())).year]);
  for (const s of sources) {
    for (let y = fiscalYearOf(ctx.jurisdiction, s.starts_on).year, last = fiscalYearOf(ctx.jurisdiction, s.ends_on).year; y <= last && years.size < 200; y++) years.add(y);
  }
  return [...years].sort((a, b) => b - a);
}

/** The funder report left the platform as a file: one audit entry (aggregates only, no record of a person). */
export async function recordReportExport(ctx: AppContext, actor: StaffActor, sourceId: string): Promise<void> {
  await ctx.audit.recordNow({ actor: { id: actor.userId, role: actor.role }, action: 'report.export', record: { type: FUND_RECORDS.source, id: sourceId }, purpose: 'statistics', requestId: actor.requestId, detail: 'format.csv' });
}

/** Tenths of an hour as "12.5". */
export function tenthsText(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/**
 * Funder reports as CSV: per source, one row per provider, a total row, then hours by activity. Amounts in
 * dollars with two decimals; a hidden figure is empty with `suppressed` true. Labels come translated from the
 * caller (`kind` by source kind).
 */
export function funderReportCsv(reports: readonly FunderReport[], label: { total: string; kind(kind: string): string; activity(code: string): string }): string {
  const head = ['source', 'source_kind', 'period_from', 'period_to', 'row', 'provider', 'cases', 'hours', 'approved_usd', 'paid_usd', 'suppressed'];
  const lines = [head.map(csvCell).join(',')];
  const cell = (c: PublishedCell, f: (v: number) => string = String) => (c.suppressed ? '' : f(c.value));
  for (const report of reports) {
    const kind = label.kind(report.source.kind);
    const push = (row: string, r: ReportRow, name: string) =>
      lines.push(
        [report.source.name, kind, report.from, report.to, row, name, cell(r.cases), cell(r.hoursTenths, tenthsText), cell(r.approvedCents, centsToDecimal), cell(r.paidCents, centsToDecimal), r.cases.suppressed].map((v) => csvCell(v)).join(','),
      );
    for (const r of report.rows) push('provider', r, r.name);
    push('total', report.total, label.total);
    for (const a of report.activities) lines.push([report.source.name, kind, report.from, report.to, 'activity', label.activity(a.activity), '', cell(a.hoursTenths, tenthsText), '', '', a.hoursTenths.suppressed].map((v) => csvCell(v)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The kind of a source, for labels. */
export function sourceKindOf(row: SourceRow): SourceKind {
  return row.kind as SourceKind;
}

/** Field errors of a 422, or null (for the routes' re-rendering). */
export function fieldErrors(err: unknown): FieldError[] | null {
  return err instanceof AppError && err.code === 'validation' && err.fields.length > 0 ? err.fields : null;
}

