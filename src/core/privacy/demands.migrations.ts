import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../db/migrator.ts';

/**
 * The outside-demand register (security-reliability §3.8: a `legal_requests` table): each demand for data,
 * the records it names, the approvals, and the one disclosure an approval unlocks.
 *
 * No document is stored — staff record what it says (the checklist) and describe it. Free text that could
 * name a person (the officer's details, the document description) is sealed under the demand's own data key;
 * the people the demand is about appear only as program + record id.
 *
 * User ids are kept without foreign keys on purpose: a demand's history must survive any change to staff
 * accounts.
 */
export const demandMigrations: NamedMigrations = {
  '202611270600_privacy_demands': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('privacy_demands')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('reference', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('form_number', 'text', (c) => c.notNull())
        .addColumn('agency_kind', 'text', (c) => c.notNull())
        .addColumn('agency_name', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('received_by', 'text', (c) => c.notNull())
        .addColumn('registered_by', 'text', (c) => c.notNull())
        .addColumn('served_on', 'text', (c) => c.notNull())
        .addColumn('issued_by_court', 'text', (c) => c.notNull())
        .addColumn('signed_by_judge', 'text', (c) => c.notNull())
        .addColumn('judge_name', 'text')
        .addColumn('court_name', 'text')
        .addColumn('case_number', 'text')
        .addColumn('issued_on', 'text')
        .addColumn('expires_on', 'text')
        .addColumn('unmatched_people', 'integer', (c) => c.notNull().defaultTo(0))
        // The demand's own vault subject: seals the officer's details and the document description.
        .addColumn('subject_id', 'text')
        .addColumn('requester_sealed', 'text')
        .addColumn('description_sealed', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('decline_reason', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('nondisclosure_order_ref', 'text')
        .addColumn('nondisclosure_until', 'text')
        .addColumn('nondisclosure_recorded_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('privacy_demands_received').on('privacy_demands').column('received_at').execute();
      await db.schema.createIndex('privacy_demands_status').on('privacy_demands').columns(['status', 'received_at']).execute();

      await db.schema
        .createTable('privacy_demand_records')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('demand_id', 'text', (c) => c.notNull().references('privacy_demands.id').onDelete('cascade'))
        .addColumn('program', 'text', (c) => c.notNull())
        .addColumn('record_type', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('notice_status', 'text', (c) => c.notNull())
        .addColumn('notice_due_at', 'text')
        .addColumn('notice_method', 'text')
        .addColumn('notice_message_id', 'text')
        .addColumn('notice_done_at', 'text')
        .addColumn('notice_done_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('privacy_demand_records_unique', ['demand_id', 'program', 'record_type', 'record_id'])
        .execute();
      await db.schema.createIndex('privacy_demand_records_notice').on('privacy_demand_records').columns(['notice_status', 'notice_due_at']).execute();

      await db.schema
        .createTable('privacy_demand_approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('demand_id', 'text', (c) => c.notNull().references('privacy_demands.id').onDelete('cascade'))
        .addColumn('approver_id', 'text', (c) => c.notNull())
        .addColumn('approver_roles', 'text', (c) => c.notNull())
        .addColumn('approved_at', 'text', (c) => c.notNull())
        // The same person can never approve one demand twice: enforced by the database, not only the service.
        .addUniqueConstraint('privacy_demand_approvals_once', ['demand_id', 'approver_id'])
        .execute();

      await db.schema
        .createTable('privacy_demand_disclosures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('demand_id', 'text', (c) => c.notNull().unique().references('privacy_demands.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('downloaded_at', 'text')
        .addColumn('downloaded_by', 'text')
        .addColumn('record_count', 'integer')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('privacy_demand_disclosures').execute();
      await db.schema.dropTable('privacy_demand_approvals').execute();
      await db.schema.dropTable('privacy_demand_records').execute();
      await db.schema.dropTable('privacy_demands').execute();
    },
  },
};
