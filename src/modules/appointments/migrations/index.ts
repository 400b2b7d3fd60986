import { type Kysely, sql } from 'kysely';
import type { NamedMigrations } from '../../../core/db/migrator.ts';

/**
 * The appointments module's tables (classified column by column in `appointments.classification.ts`):
 *
 * - `appointment_sites`, `appointment_site_hours`, `appointment_site_closures`, `appointment_site_services`:
 *   where, when and how many — public facts about city offices, managed by staff.
 * - `appointment_slot_counters`: seats taken per (site, service, slot start). A booking takes a seat with one
 *   conditional update (`booked = booked + 1 … where booked < capacity`), which is what makes overbooking
 *   impossible under any concurrency on SQLite and PostgreSQL.
 * - `appointment_bookings`: one row per appointment; the contact for reminders is sealed under the booking's
 *   vault subject, and the reference code is kept only as a keyed blind index.
 * - `appointment_waitlist`: people waiting for a seat to free up; each row is its own vault subject.
 * - `appointment_walkins`: the walk-in queue — ticket numbers and languages, nothing about the person.
 */
export const appointmentsMigrations: NamedMigrations = {
  '202611290100_appointments': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('appointment_sites')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('languages', 'text', (c) => c.notNull())
        .addColumn('accessibility', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('appointment_site_hours')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull().references('appointment_sites.id').onDelete('cascade'))
        .addColumn('weekday', 'integer', (c) => c.notNull())
        .addColumn('opens', 'text', (c) => c.notNull())
        .addColumn('closes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addCheckConstraint('appointment_site_hours_weekday', sql`weekday between 0 and 6`)
        .execute();
      await db.schema.createIndex('appointment_site_hours_site').on('appointment_site_hours').columns(['site_id', 'weekday']).execute();

      await db.schema
        .createTable('appointment_site_closures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull().references('appointment_sites.id').onDelete('cascade'))
        .addColumn('from_date', 'text', (c) => c.notNull())
        .addColumn('to_date', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('appointment_site_closures_site').on('appointment_site_closures').columns(['site_id', 'to_date']).execute();

      await db.schema
        .createTable('appointment_site_services')
        .addColumn('site_id', 'text', (c) => c.notNull().references('appointment_sites.id').onDelete('cascade'))
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('appointment_site_services_pk', ['site_id', 'service_id'])
        .addCheckConstraint('appointment_site_services_capacity', sql`capacity between 0 and 1000`)
        .execute();

      await db.schema
        .createTable('appointment_slot_counters')
        .addColumn('site_id', 'text', (c) => c.notNull().references('appointment_sites.id'))
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('booked', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('appointment_slot_counters_pk', ['site_id', 'service_id', 'starts_at'])
        .addCheckConstraint('appointment_slot_counters_booked', sql`booked >= 0`)
        .execute();

      await db.schema
        .createTable('appointment_bookings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject_id', 'text', (c) => c.notNull().references('subjects.id'))
        .addColumn('owned_subject_id', 'text')
        .addColumn('reference_index', 'text', (c) => c.notNull().unique())
        .addColumn('reference_hint', 'text', (c) => c.notNull())
        .addColumn('site_id', 'text', (c) => c.notNull().references('appointment_sites.id'))
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('local_date', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('contact_channel', 'text', (c) => c.notNull())
        .addColumn('contact_sealed', 'text')
        .addColumn('purpose_ref', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sequence', 'integer', (c) => c.notNull())
        .addColumn('next_reminder_at', 'text')
        .addColumn('arrived_at', 'text')
        .addColumn('served_at', 'text')
        .addColumn('cancelled_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('appointment_bookings_day').on('appointment_bookings').columns(['site_id', 'local_date', 'starts_at']).execute();
      await db.schema.createIndex('appointment_bookings_reminder').on('appointment_bookings').column('next_reminder_at').execute();
      await db.schema.createIndex('appointment_bookings_ends').on('appointment_bookings').column('ends_at').execute();
      await db.schema.createIndex('appointment_bookings_subject').on('appointment_bookings').column('subject_id').execute();
      await db.schema.createIndex('appointment_bookings_created').on('appointment_bookings').column('created_at').execute();

      await db.schema
        .createTable('appointment_waitlist')
        .addColumn('id', 'text', (c) => c.primaryKey().references('subjects.id'))
        .addColumn('reference_index', 'text', (c) => c.notNull().unique())
        .addColumn('site_id', 'text', (c) => c.notNull().references('appointment_sites.id'))
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('from_date', 'text', (c) => c.notNull())
        .addColumn('to_date', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('contact_channel', 'text', (c) => c.notNull())
        .addColumn('contact_sealed', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('queued_at', 'text', (c) => c.notNull())
        .addColumn('offer_starts_at', 'text')
        .addColumn('offer_token_hash', 'text', (c) => c.unique())
        .addColumn('offer_expires_at', 'text')
        .addColumn('last_offer_starts_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('appointment_waitlist_queue').on('appointment_waitlist').columns(['site_id', 'service_id', 'status', 'queued_at']).execute();
      await db.schema.createIndex('appointment_waitlist_offer').on('appointment_waitlist').column('offer_expires_at').execute();
      await db.schema.createIndex('appointment_waitlist_expires').on('appointment_waitlist').column('expires_at').execute();

      await db.schema
        .createTable('appointment_walkins')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull().references('appointment_sites.id'))
        .addColumn('local_date', 'text', (c) => c.notNull())
        .addColumn('ticket', 'integer', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('called_at', 'text')
        .addColumn('finished_at', 'text')
        .addUniqueConstraint('appointment_walkins_ticket', ['site_id', 'local_date', 'ticket'])
        .execute();
      await db.schema.createIndex('appointment_walkins_created').on('appointment_walkins').column('created_at').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'appointment_walkins',
        'appointment_waitlist',
        'appointment_bookings',
        'appointment_slot_counters',
        'appointment_site_services',
        'appointment_site_closures',
        'appointment_site_hours',
        'appointment_sites',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  },
};
