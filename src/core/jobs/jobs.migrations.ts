import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../db/migrator.ts';

/** The table-backed job queue: one row per job run, claimed by workers with row locks. */
export const jobsMigrations: NamedMigrations = {
  '202611270310_jobs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('dedupe_key', 'text')
        .addColumn('scheduled_for', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      // Claiming scans queued jobs by due time; stale-lock recovery scans running jobs by lock expiry.
      await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
      await db.schema.createIndex('jobs_locked').on('jobs').columns(['status', 'locked_until']).execute();
      // A scheduled run (or any job enqueued with a key) exists once, however many instances enqueue it.
      await db.schema.createIndex('jobs_dedupe').on('jobs').columns(['name', 'dedupe_key']).unique().execute();
      await db.schema.createIndex('jobs_finished').on('jobs').columns(['finished_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('jobs').execute();
    },
  },
};
