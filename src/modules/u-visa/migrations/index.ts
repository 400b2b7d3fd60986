import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../../core/db/migrator.ts';

/**
 * The U/T-visa certification tables. Each request is its own vault subject (same id in `subjects`); its
 * family members and its history are rows of that subject, so forgetting the request deletes them all and
 * destroys the key of every sealed value.
 *
 * `u_visa_requests` keeps in plain text only categories and dates the queue, the clocks and the public
 * figures need (visa type, department, expedited, status, received/decided dates); names, dates of birth,
 * the A-number, crimes, case facts, the helpfulness account and the Supplement B answers are sealed.
 * Queue indexes: open requests by `queue_key` = expedited first, then soonest due (`due_at`, a copy of the
 * governing clock's due time), then id — one sortable key, so a page of the queue is one index range seek
 * however deep it is (keyset pagination).
 */
export const uVisaMigrations: NamedMigrations = {
  '202612030100_u_visa_requests': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('u_visa_requests')
        .addColumn('id', 'text', (c) => c.primaryKey().references('subjects.id'))
        .addColumn('reference_index', 'text', (c) => c.notNull().unique())
        .addColumn('visa_type', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('requester_role', 'text', (c) => c.notNull())
        .addColumn('filed_by', 'text')
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('contact_method', 'text', (c) => c.notNull())
        .addColumn('agency', 'text', (c) => c.notNull())
        .addColumn('department', 'text')
        .addColumn('expedited', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('open', 'integer', (c) => c.notNull())
        .addColumn('clock_id', 'text')
        .addColumn('due_at', 'text')
        .addColumn('queue_key', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('decision', 'text')
        .addColumn('turnaround_days', 'integer')
        .addColumn('signed_on', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('helpfulness', 'text')
        .addColumn('denial_reason', 'text')
        .addColumn('release_type', 'text')
        .addColumn('release_date', 'text')
        .addColumn('a_number_index', 'text')
        .addColumn('requester_sealed', 'text', (c) => c.notNull())
        .addColumn('victim_sealed', 'text', (c) => c.notNull())
        .addColumn('a_number_sealed', 'text')
        .addColumn('crimes_sealed', 'text', (c) => c.notNull())
        .addColumn('case_sealed', 'text', (c) => c.notNull())
        .addColumn('helpfulness_sealed', 'text', (c) => c.notNull())
        .addColumn('expedite_sealed', 'text')
        .addColumn('assessment_sealed', 'text')
        .addColumn('supplement_sealed', 'text')
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('u_visa_requests_queue').on('u_visa_requests').columns(['open', 'queue_key']).execute();
      await db.schema.createIndex('u_visa_requests_queue_department').on('u_visa_requests').columns(['open', 'department', 'queue_key']).execute();
      await db.schema.createIndex('u_visa_requests_decided').on('u_visa_requests').columns(['open', 'decided_at', 'id']).execute();
      await db.schema.createIndex('u_visa_requests_received').on('u_visa_requests').column('received_at').execute();
      await db.schema.createIndex('u_visa_requests_closed').on('u_visa_requests').column('closed_at').execute();
      await db.schema.createIndex('u_visa_requests_a_number').on('u_visa_requests').column('a_number_index').execute();
      await db.schema.createIndex('u_visa_requests_filed_by').on('u_visa_requests').columns(['filed_by', 'received_at']).execute();

      await db.schema
        .createTable('u_visa_family_members')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().references('u_visa_requests.id').onDelete('cascade'))
        .addColumn('person_sealed', 'text', (c) => c.notNull())
        .addColumn('age_out_clock_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('u_visa_family_members_request').on('u_visa_family_members').column('request_id').execute();

      await db.schema
        .createTable('u_visa_actions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().references('u_visa_requests.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('reason_code', 'text')
        .execute();
      await db.schema.createIndex('u_visa_actions_request').on('u_visa_actions').columns(['request_id', 'at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('u_visa_actions').execute();
      await db.schema.dropTable('u_visa_family_members').execute();
      await db.schema.dropTable('u_visa_requests').execute();
    },
  },
};
