/**
 * Classification and retention of the fund's tables.
 *
 * - Sources and contracts, and their amendments, are the city's budget and its contracts with provider organisations: public data
 *   not on individuals (Minn. Stat. §13.03 subd. 1), kept as the program's financial record.
 * - Time entries are data on an individual (attorney work on one person's case): private, rows of the case's
 *   vault subject — forgetting the case deletes them, and they go when the case's retention runs out.
 * - Invoices hold amounts and counts only (public: payments of public money). Their lines are private while
 *   they still point at a case; when the case is forgotten the links are set to null by the database and the
 *   line keeps only the day, minutes, activity code, rate, amount and a keyed blind index of the case (which
 *   counts cases represented and bills a case once, and leads nowhere once the case is gone).
 * - Invoices and their lines are kept seven years after they were paid or rejected; drafts and invoices still
 *   in review are kept while open.
 */
import type { Executor } from '../../core/db/transaction.ts';
import { defineClassification } from '../../core/privacy/classification.ts';
import type { RetentionPolicy } from '../../core/privacy/retention.ts';
import { INVOICE_RETENTION_DAYS } from './legal-defense.fund.ts';

const PROGRAM = 'legal-defense';
const BUDGET_RECORD = "Kept as the program's budget record for as long as the city keeps its budget and contract records";

export const legalDefenseFundClassification = defineClassification([
  {
    table: 'legal_defense_fund_sources',
    class: 'public',
    purpose: 'Where the money of the detention defense program comes from: appropriations of the city budget and grants',
    retention: BUDGET_RECORD,
    columns: {
      id: 'Random source id',
      kind: 'Appropriation (city budget) or grant',
      name: 'The name of the budget line or grant',
      funder: 'Who gives the money (a grant\'s funder; the city for an appropriation)',
      fiscal_year: 'The fiscal year of an appropriation',
      reference: 'The budget line, resolution or grant number',
      amount_cents: 'The amount, in cents',
      allocated_cents: 'The part of it given to provider contracts, in cents (a contract is refused beyond the amount)',
      starts_on: 'First day the money may be spent',
      ends_on: 'Last day the money may be spent',
      restrictions: "The funder's restrictions on the money (what it may pay for), as the grant states them",
      created_by: 'The staff account that entered it',
      created_at: 'When it was entered',
      updated_at: 'When it last changed',
    },
  },
  {
    table: 'legal_defense_fund_contracts',
    class: 'public',
    purpose: 'What each provider organisation may draw on a source: per case or hourly, the rate, the cap and the ceiling',
    retention: BUDGET_RECORD,
    columns: {
      id: 'Random contract id',
      source_id: 'The source it draws on',
      provider_id: 'The provider organisation',
      basis: 'Per case or hourly',
      rate_cents: 'The rate per case or per hour, in cents',
      cap: 'The most cases (per case) or hours (hourly) the contract pays for',
      ceiling_cents: 'Rate × cap, in cents: the most the contract pays',
      approved_cents: 'Invoices approved against it, in cents (approval is refused beyond the ceiling)',
      starts_on: 'First day of the contract',
      ends_on: 'Last day of the contract',
      reference: 'The contract number',
      created_by: 'The staff account that entered it',
      created_at: 'When it was entered',
      updated_at: 'When it last changed',
    },
  },
  {
    table: 'legal_defense_fund_amendments',
    class: 'public',
    purpose: "Changes to a source's amount or last day, or to a contract's cap or last day: before and after, why and by whom",
    retention: BUDGET_RECORD,
    columns: {
      id: 'Random amendment id',
      source_id: 'The source amended, or the source of the contract amended',
      contract_id: 'The contract amended (empty for a change of the source)',
      reason: 'Why, as a code: money added, money taken back, period extended, or a correction',
      reference: 'The council action, budget transfer or grant amendment number',
      amount_before_cents: "The source's amount, or the contract's ceiling, before, in cents",
      amount_after_cents: "The source's amount, or the contract's ceiling, after, in cents",
      cap_before: "The contract's cap (cases or hours) before",
      cap_after: "The contract's cap (cases or hours) after",
      ends_before: 'The last day before',
      ends_after: 'The last day after',
      amended_by: 'The staff account that made the change',
      amended_at: 'When',
    },
  },
  {
    table: 'legal_defense_fund_time_entries',
    class: 'private',
    purpose: "Attorney time on a represented person's case (day, minutes, an activity code), the basis of hourly invoices",
    retention: 'legal-defense.case',
    subjectColumn: 'case_id',
    program: PROGRAM,
    columns: {
      id: 'Random entry id',
      case_id: 'The case (and vault subject) the time was spent on',
      provider_id: 'The provider whose attorney did the work',
      worked_on: 'The day of the work',
      minutes: 'How long, in minutes (1 to 720)',
      activity: 'What the time was (a code: court, client meeting, research, brief, travel), never a description',
      entered_by: 'The attorney or staff account that entered it',
      created_at: 'When it was entered',
    },
  },
  {
    table: 'legal_defense_fund_invoices',
    class: 'public',
    purpose: "A provider's invoice to the program for a billing period: totals and counts, its review and payment",
    retention: 'legal-defense.invoice',
    columns: {
      id: 'Random invoice id',
      contract_id: 'The contract it bills',
      source_id: 'The source it draws on (for the burn and the funder report)',
      provider_id: 'The provider that bills',
      basis: 'Per case or hourly (from the contract)',
      period_from: 'First day of the billing period',
      period_to: 'Last day of the billing period (the funder report counts the invoice in the period it falls in)',
      status: 'Draft, submitted, approved, rejected or paid',
      total_cents: 'The total, in cents (the sum of its lines)',
      line_count: 'How many lines',
      minutes_total: 'Minutes billed (hourly)',
      case_count: 'How many different cases it bills',
      reject_reason: 'Why it was sent back (a code)',
      payment_reference: "The city's payment number (check or transfer)",
      paid_on: 'The day it was paid',
      created_by: 'The account that prepared it',
      created_at: 'When it was prepared',
      submitted_by: 'The account that submitted it',
      submitted_at: 'When it was submitted',
      decided_by: 'The staff account that approved or rejected it',
      decided_at: 'When it was approved or rejected (the burn rate counts approvals)',
      paid_by: 'The staff account that recorded the payment',
      closed_at: 'When it was paid or rejected (retention runs from it)',
      updated_at: 'When it last changed',
    },
  },
  {
    table: 'legal_defense_fund_invoice_lines',
    class: 'private',
    purpose: 'The lines of an invoice: a time entry at the hourly rate, or one accepted case at the per-case rate',
    retention: 'legal-defense.invoice',
    columns: {
      id: 'Random line id',
      invoice_id: 'The invoice',
      kind: 'A time entry or a case',
      time_entry_id: 'The time entry billed (set to null when the case is forgotten)',
      case_id: 'The case billed (set to null when the case is forgotten)',
      case_token: {
        purpose: 'Keyed blind index of the case: counts cases represented and bills a case once, even after the case is forgotten',
        protection: 'blindIndex',
      },
      worked_on: 'The day of the work (hourly) or of the acceptance (per case)',
      activity: 'The activity code of the time entry',
      minutes: 'Minutes billed (0 for a per-case line)',
      rate_cents: 'The rate applied, in cents',
      amount_cents: 'The amount of the line, in cents',
      active: 'Whether the line is in force (a rejected invoice frees its entries and cases)',
    },
  },
]);

/** Paid and rejected invoices go seven years after they closed, with their lines. */
export const legalDefenseFundRetention: RetentionPolicy[] = [
  {
    recordType: 'legal-defense.invoice',
    table: 'legal_defense_fund_invoices',
    basis: 'closed_at',
    days: INVOICE_RETENTION_DAYS,
    descriptionKey: 'legal-defense.fund.retention.invoice',
    async deleteRows(tx: Executor, ids: readonly (string | number)[]) {
      const invoiceIds = ids.map(String);
      await tx.deleteFrom('legal_defense_fund_invoice_lines').where('invoice_id', 'in', invoiceIds).execute();
      await tx.deleteFrom('legal_defense_fund_invoices').where('id', 'in', invoiceIds).execute();
      return invoiceIds.length;
    },
  },
];
