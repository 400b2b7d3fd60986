import { type Kysely, sql } from 'kysely';
import type { NamedMigrations } from '../../../core/db/migrator.ts';

/**
 * The fund of the detention-defense program: where the money comes from (appropriations and grants), the
 * contracts that draw on it per provider, attorney time, and invoices.
 *
 * Money is integer cents (`bigint`), never a floating-point number. The running sums that guard the limits —
 * a source's `allocated_cents` (sum of its contracts' ceilings) and a contract's `approved_cents` — are changed
 * only by a conditional update (`… where allocated_cents + x <= amount_cents`), so two people allocating or
 * approving at the same moment cannot together pass a limit on either database.
 *
 * Time entries are rows of the case's vault subject (forgetting the case deletes them). Invoice lines keep
 * what the invoice needs — minutes, activity code, day, rate, amount — and a keyed blind index of the case (to
 * count cases represented and to bill a case once); their links to the case and the time entry are set to
 * null when the case is forgotten, so an invoice keeps its amounts and counts but no path to the person.
 *
 * "Billed once" is a constraint, not a check: a partial unique index on the time entry (and on the case, for
 * per-case lines) over the lines still in force (`active = 1`; a rejected invoice's lines are set inactive).
 */
export const legalDefenseFundMigrations: NamedMigrations = {
  '202612200100_legal_defense_fund': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('legal_defense_fund_sources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('funder', 'text')
        .addColumn('fiscal_year', 'integer')
        .addColumn('reference', 'text')
        .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
        .addColumn('allocated_cents', 'bigint', (c) => c.notNull().check(sql`allocated_cents >= 0 and allocated_cents <= amount_cents`))
        .addColumn('starts_on', 'text', (c) => c.notNull())
        .addColumn('ends_on', 'text', (c) => c.notNull())
        .addColumn('restrictions', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('legal_defense_fund_contracts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source_id', 'text', (c) => c.notNull().references('legal_defense_fund_sources.id'))
        .addColumn('provider_id', 'text', (c) => c.notNull().references('legal_defense_providers.id'))
        .addColumn('basis', 'text', (c) => c.notNull())
        .addColumn('rate_cents', 'bigint', (c) => c.notNull().check(sql`rate_cents > 0`))
        .addColumn('cap', 'integer', (c) => c.notNull().check(sql`cap > 0`))
        .addColumn('ceiling_cents', 'bigint', (c) => c.notNull())
        .addColumn('approved_cents', 'bigint', (c) => c.notNull().check(sql`approved_cents >= 0 and approved_cents <= ceiling_cents`))
        .addColumn('starts_on', 'text', (c) => c.notNull())
        .addColumn('ends_on', 'text', (c) => c.notNull())
        .addColumn('reference', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('legal_defense_fund_contracts_source').on('legal_defense_fund_contracts').columns(['source_id', 'provider_id']).execute();
      await db.schema.createIndex('legal_defense_fund_contracts_provider').on('legal_defense_fund_contracts').columns(['provider_id', 'starts_on']).execute();

      await db.schema
        .createTable('legal_defense_fund_time_entries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('case_id', 'text', (c) => c.notNull().references('legal_defense_cases.id').onDelete('cascade'))
        .addColumn('provider_id', 'text', (c) => c.notNull().references('legal_defense_providers.id'))
        .addColumn('worked_on', 'text', (c) => c.notNull())
        .addColumn('minutes', 'integer', (c) => c.notNull().check(sql`minutes between 1 and 720`))
        .addColumn('activity', 'text', (c) => c.notNull())
        .addColumn('entered_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('legal_defense_fund_time_case').on('legal_defense_fund_time_entries').columns(['case_id', 'worked_on']).execute();
      await db.schema.createIndex('legal_defense_fund_time_provider').on('legal_defense_fund_time_entries').columns(['provider_id', 'worked_on']).execute();

      await db.schema
        .createTable('legal_defense_fund_invoices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contract_id', 'text', (c) => c.notNull().references('legal_defense_fund_contracts.id'))
        .addColumn('source_id', 'text', (c) => c.notNull().references('legal_defense_fund_sources.id'))
        .addColumn('provider_id', 'text', (c) => c.notNull().references('legal_defense_providers.id'))
        .addColumn('basis', 'text', (c) => c.notNull())
        .addColumn('period_from', 'text', (c) => c.notNull())
        .addColumn('period_to', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('total_cents', 'bigint', (c) => c.notNull().check(sql`total_cents >= 0`))
        .addColumn('line_count', 'integer', (c) => c.notNull())
        .addColumn('minutes_total', 'integer', (c) => c.notNull())
        .addColumn('case_count', 'integer', (c) => c.notNull())
        .addColumn('reject_reason', 'text')
        .addColumn('payment_reference', 'text')
        .addColumn('paid_on', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('submitted_by', 'text')
        .addColumn('submitted_at', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('paid_by', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('legal_defense_fund_invoices_provider').on('legal_defense_fund_invoices').columns(['provider_id', 'created_at']).execute();
      await db.schema.createIndex('legal_defense_fund_invoices_contract').on('legal_defense_fund_invoices').columns(['contract_id', 'status']).execute();
      await db.schema.createIndex('legal_defense_fund_invoices_source').on('legal_defense_fund_invoices').columns(['source_id', 'status', 'period_to']).execute();
      await db.schema.createIndex('legal_defense_fund_invoices_status').on('legal_defense_fund_invoices').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('legal_defense_fund_invoices_closed').on('legal_defense_fund_invoices').column('closed_at').execute();

      await db.schema
        .createTable('legal_defense_fund_invoice_lines')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('invoice_id', 'text', (c) => c.notNull().references('legal_defense_fund_invoices.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('time_entry_id', 'text', (c) => c.references('legal_defense_fund_time_entries.id').onDelete('set null'))
        .addColumn('case_id', 'text', (c) => c.references('legal_defense_cases.id').onDelete('set null'))
        .addColumn('case_token', 'text', (c) => c.notNull())
        .addColumn('worked_on', 'text')
        .addColumn('activity', 'text')
        .addColumn('minutes', 'integer', (c) => c.notNull())
        .addColumn('rate_cents', 'bigint', (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents >= 0`))
        .addColumn('active', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('legal_defense_fund_lines_invoice').on('legal_defense_fund_invoice_lines').columns(['invoice_id', 'worked_on']).execute();
      await db.schema.createIndex('legal_defense_fund_lines_case').on('legal_defense_fund_invoice_lines').column('case_id').execute();
      // Billed once: a time entry on at most one line in force; a case on at most one per-case line in force.
      await db.schema
        .createIndex('legal_defense_fund_lines_entry_once')
        .on('legal_defense_fund_invoice_lines')
        .column('time_entry_id')
        .unique()
        .where(sql.ref('active'), '=', 1)
        .where('time_entry_id', 'is not', null)
        .execute();
      await db.schema
        .createIndex('legal_defense_fund_lines_case_once')
        .on('legal_defense_fund_invoice_lines')
        .column('case_token')
        .unique()
        .where(sql.ref('active'), '=', 1)
        .where(sql.ref('kind'), '=', 'case')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['legal_defense_fund_invoice_lines', 'legal_defense_fund_invoices', 'legal_defense_fund_time_entries', 'legal_defense_fund_contracts', 'legal_defense_fund_sources']) {
        await db.schema.dropTable(t).execute();
      }
    },
  },
  // Amendments: a source's amount or last day changed (money added mid-year, a grant extended), a contract's
  // cap or last day changed. The rows keep before and after, why (a code), the council action or grant
  // amendment number and who did it: budget records, no person in them.
  '202612270100_legal_defense_fund_amendments': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('legal_defense_fund_amendments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source_id', 'text', (c) => c.notNull().references('legal_defense_fund_sources.id'))
        .addColumn('contract_id', 'text', (c) => c.references('legal_defense_fund_contracts.id'))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('reference', 'text')
        .addColumn('amount_before_cents', 'bigint', (c) => c.notNull())
        .addColumn('amount_after_cents', 'bigint', (c) => c.notNull())
        .addColumn('cap_before', 'integer')
        .addColumn('cap_after', 'integer')
        .addColumn('ends_before', 'text', (c) => c.notNull())
        .addColumn('ends_after', 'text', (c) => c.notNull())
        .addColumn('amended_by', 'text', (c) => c.notNull())
        .addColumn('amended_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('legal_defense_fund_amendments_source').on('legal_defense_fund_amendments').columns(['source_id', 'amended_at']).execute();
      await db.schema.createIndex('legal_defense_fund_amendments_contract').on('legal_defense_fund_amendments').columns(['contract_id', 'amended_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('legal_defense_fund_amendments').execute();
    },
  },
};
