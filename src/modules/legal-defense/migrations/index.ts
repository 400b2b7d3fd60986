import { type Kysely, sql } from 'kysely';
import type { NamedMigrations } from '../../../core/db/migrator.ts';
import { legalDefenseFundMigrations } from './fund.ts';
import { legalDefenseOutcomeMigrations } from './outcomes.ts';

/**
 * The detention-defense tables. Each detained person's case is its own vault subject (same id in
 * `subjects`); the reports about them, their assignments and their history are rows of that subject, so
 * forgetting the case deletes them all and destroys the key of every sealed value.
 *
 * `legal_defense_cases` keeps in plain text only what the queue, the assignment and the figures need
 * (status, language, dates, the assigned provider); the name, date of birth, A-number, where the person was
 * taken and is held, and the safe contact are sealed. A-number and name + date of birth have keyed blind
 * indexes, so reports about the same person merge without a plaintext lookup.
 *
 * Providers keep a running count of their open cases (`open_cases`), so an assignment decision reads 50
 * provider rows, never 100,000 cases. Providers' existing parties are blind indexes only (conflict check).
 */
export const legalDefenseMigrations: NamedMigrations = {
  '202612050100_legal_defense_tables': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('legal_defense_providers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('available', 'integer', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('open_cases', 'integer', (c) => c.notNull())
        .addColumn('languages', 'text', (c) => c.notNull())
        .addColumn('last_assigned_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('legal_defense_attorneys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('provider_id', 'text', (c) => c.notNull().references('legal_defense_providers.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().unique())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('legal_defense_parties')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('provider_id', 'text', (c) => c.notNull().references('legal_defense_providers.id'))
        .addColumn('party_index', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('legal_defense_parties_index').on('legal_defense_parties').columns(['party_index', 'provider_id']).execute();

      await db.schema
        .createTable('legal_defense_cases')
        .addColumn('id', 'text', (c) => c.primaryKey().references('subjects.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('open', 'integer', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('person_language', 'text', (c) => c.notNull())
        .addColumn('contact_language', 'text', (c) => c.notNull())
        .addColumn('detained_on', 'text', (c) => c.notNull())
        .addColumn('residency_basis', 'text')
        .addColumn('disposition', 'text')
        .addColumn('disposition_reason', 'text')
        .addColumn('disposition_at', 'text')
        .addColumn('provider_id', 'text', (c) => c.references('legal_defense_providers.id'))
        .addColumn('assignment_id', 'text')
        .addColumn('attorney_user_id', 'text')
        .addColumn('contact_clock_id', 'text')
        .addColumn('first_contact_at', 'text')
        .addColumn('report_count', 'integer', (c) => c.notNull())
        .addColumn('a_number_index', 'text')
        .addColumn('identity_index', 'text')
        .addColumn('person_sealed', 'text', (c) => c.notNull())
        .addColumn('a_number_sealed', 'text')
        .addColumn('detention_sealed', 'text', (c) => c.notNull())
        .addColumn('contact_sealed', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .execute();
      await db.schema.createIndex('legal_defense_cases_queue').on('legal_defense_cases').columns(['open', 'status', 'created_at', 'id']).execute();
      await db.schema.createIndex('legal_defense_cases_provider').on('legal_defense_cases').columns(['provider_id', 'open', 'created_at']).execute();
      await db.schema.createIndex('legal_defense_cases_a_number').on('legal_defense_cases').column('a_number_index').execute();
      await db.schema.createIndex('legal_defense_cases_identity').on('legal_defense_cases').column('identity_index').execute();
      await db.schema.createIndex('legal_defense_cases_closed').on('legal_defense_cases').column('closed_at').execute();

      await db.schema
        .createTable('legal_defense_reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('case_id', 'text', (c) => c.notNull().references('legal_defense_cases.id').onDelete('cascade'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('reporter_role', 'text', (c) => c.notNull())
        .addColumn('filed_by', 'text')
        .addColumn('reference_index', 'text', (c) => c.unique())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('merged', 'integer', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('report_sealed', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('legal_defense_reports_case').on('legal_defense_reports').columns(['case_id', 'received_at']).execute();

      await db.schema
        .createTable('legal_defense_assignments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('case_id', 'text', (c) => c.notNull().references('legal_defense_cases.id').onDelete('cascade'))
        .addColumn('provider_id', 'text', (c) => c.notNull().references('legal_defense_providers.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('offered_at', 'text', (c) => c.notNull())
        .addColumn('responded_at', 'text')
        .addColumn('clock_id', 'text')
        .addColumn('reason_code', 'text')
        .addColumn('explanation', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .execute();
      await db.schema.createIndex('legal_defense_assignments_case').on('legal_defense_assignments').columns(['case_id', 'offered_at']).execute();
      await db.schema.createIndex('legal_defense_assignments_provider').on('legal_defense_assignments').columns(['provider_id', 'status']).execute();

      await db.schema
        .createTable('legal_defense_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('case_id', 'text', (c) => c.notNull().references('legal_defense_cases.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('reason_code', 'text')
        .execute();
      await db.schema.createIndex('legal_defense_events_case').on('legal_defense_events').columns(['case_id', 'at']).execute();

      await db.schema
        .createTable('legal_defense_idempotency')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addColumn('key_index', 'text', (c) => c.notNull())
        .addColumn('body_index', 'text', (c) => c.notNull())
        .addColumn('report_id', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('legal_defense_idempotency_key').on('legal_defense_idempotency').columns(['principal_id', 'key_index']).unique().execute();
      await db.schema.createIndex('legal_defense_idempotency_created').on('legal_defense_idempotency').column('created_at').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['legal_defense_idempotency', 'legal_defense_events', 'legal_defense_assignments', 'legal_defense_reports', 'legal_defense_cases', 'legal_defense_parties', 'legal_defense_attorneys', 'legal_defense_providers']) {
        await db.schema.dropTable(t).execute();
      }
    },
  },
  '202612050200_legal_defense_proceedings': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('legal_defense_proceedings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('case_id', 'text', (c) => c.notNull().references('legal_defense_cases.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('on_date', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('legal_defense_proceedings_case').on('legal_defense_proceedings').columns(['case_id', 'on_date']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('legal_defense_proceedings').execute();
    },
  },
  /**
   * At most one open case per person: two reports about the same new person that arrive at the same moment on
   * PostgreSQL cannot both open a case (the second fails on the index and is filed again, merging).
   */
  '202612050300_legal_defense_one_open_case_per_person': {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('legal_defense_cases_open_a_number').on('legal_defense_cases').column('a_number_index').unique().where(sql.ref('open'), '=', 1).where('a_number_index', 'is not', null).execute();
      await db.schema.createIndex('legal_defense_cases_open_identity').on('legal_defense_cases').column('identity_index').unique().where(sql.ref('open'), '=', 1).where('identity_index', 'is not', null).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('legal_defense_cases_open_identity').execute();
      await db.schema.dropIndex('legal_defense_cases_open_a_number').execute();
    },
  },
  /** Custody, relief sought and the case's outcome: categories only, for the case page and the program's figures. */
  '202612050400_legal_defense_custody_outcome': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('legal_defense_cases').addColumn('custody', 'text').execute();
      await db.schema.alterTable('legal_defense_cases').addColumn('relief_sought', 'text').execute();
      await db.schema.alterTable('legal_defense_cases').addColumn('outcome', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('legal_defense_cases').dropColumn('outcome').execute();
      await db.schema.alterTable('legal_defense_cases').dropColumn('relief_sought').execute();
      await db.schema.alterTable('legal_defense_cases').dropColumn('custody').execute();
    },
  },
  /**
   * The merge lookups find a person's open case through the partial unique indexes of 202612050300; the
   * plain indexes on the same columns served nothing else and cost two index writes on every new case.
   */
  '202612210200_legal_defense_drop_plain_person_indexes': {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('legal_defense_cases_a_number').execute();
      await db.schema.dropIndex('legal_defense_cases_identity').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.createIndex('legal_defense_cases_a_number').on('legal_defense_cases').column('a_number_index').execute();
      await db.schema.createIndex('legal_defense_cases_identity').on('legal_defense_cases').column('identity_index').execute();
    },
  },
  /**
   * The partner API's intake queue: a report is kept here, sealed, from the moment it is accepted until it is
   * filed (merged or opened as a case), under the key of the hour (`legal_defense_intake_keys`: each is a vault
   * subject, forgotten once no queued report needs it). An idempotency key now names only the report: the
   * case is known once the report is filed.
   */
  '202612280100_legal_defense_intake': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('legal_defense_intake')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject_id', 'text', (c) => c.notNull().references('subjects.id').onDelete('cascade'))
        .addColumn('filed_by', 'text', (c) => c.notNull())
        .addColumn('filer_role', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('reference_index', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('payload_sealed', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.createIndex('legal_defense_intake_next').on('legal_defense_intake').columns(['next_attempt_at', 'id']).execute();
      await db.schema.createIndex('legal_defense_intake_subject').on('legal_defense_intake').column('subject_id').execute();
      await db.schema.createIndex('legal_defense_intake_reference').on('legal_defense_intake').column('reference_index').execute();
      await db.schema
        .createTable('legal_defense_intake_keys')
        .addColumn('subject_id', 'text', (c) => c.primaryKey().references('subjects.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('legal_defense_idempotency').dropColumn('case_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('legal_defense_idempotency').addColumn('case_id', 'text', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.dropTable('legal_defense_intake').execute();
      await db.schema.dropTable('legal_defense_intake_keys').execute();
    },
  },
  /** Closing a represented case; the outcomes page's indexes (`./outcomes.ts`). */
  ...legalDefenseOutcomeMigrations,
  /** The fund: funding sources, contracts, attorney time, invoices (`fund.ts`). */
  ...legalDefenseFundMigrations,
};
