import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { NamedMigrations } from '../db/migrator.ts';

/**
 * The deadline engine's tables: one row per clock (what it counts, where it stands, when the reminder job
 * must next look at it) and the append-only history of everything that happened to it. Clocks name the
 * record they time by owner module, record type and id only — never a person's data.
 */
export const clocksMigrations: NamedMigrations = {
  '202612020100_core_clocks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('clocks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('record_type', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('start_date', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('due_date', 'text', (c) => c.notNull())
        .addColumn('governing_rule', 'text', (c) => c.notNull())
        .addColumn('paused_since', 'text')
        .addColumn('pause_reason', 'text')
        .addColumn('pauses', 'text')
        .addColumn('paused_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('extensions', 'text')
        .addColumn('met_at', 'text')
        .addColumn('stopped_at', 'text')
        .addColumn('stop_reason', 'text')
        .addColumn('cycle', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reminders_sent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_action_at', 'text')
        .addColumn('rules_digest', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // The reminder job scans by next action time (NULL once a clock is closed or paused).
      await db.schema.createIndex('clocks_next_action').on('clocks').column('next_action_at').execute();
      await db.schema.createIndex('clocks_record').on('clocks').columns(['owner', 'record_type', 'record_id']).execute();
      await db.schema.createIndex('clocks_owner_due').on('clocks').columns(['owner', 'status', 'due_at']).execute();

      await db.schema
        .createTable('clock_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('clock_id', 'text', (c) => c.notNull().references('clocks.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text')
        .addColumn('reason_code', 'text')
        .addColumn('note_key', 'text')
        .addColumn('days', 'integer')
        .addColumn('level', 'integer')
        .addColumn('escalate_to', 'text')
        .addColumn('due_before', 'text')
        .addColumn('due_after', 'text')
        .addColumn('governing_rule', 'text')
        .addColumn('actor_id', 'text')
        .execute();
      await db.schema.createIndex('clock_events_clock').on('clock_events').columns(['clock_id', 'at']).execute();
      // A reminder, an overdue flag or an escalation happens once per clock, however many workers race. Partial
      // indexes keep the other events (a recomputation writes one per clock it moves) cheap to insert.
      await db.schema
        .createIndex('clock_events_once')
        .on('clock_events')
        .columns(['clock_id', 'dedupe_key'])
        .unique()
        .where(sql.ref('dedupe_key'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('clock_events_extended')
        .on('clock_events')
        .column('at')
        .where(sql.ref('kind'), '=', 'extended')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('clock_events').execute();
      await db.schema.dropTable('clocks').execute();
    },
  },
  // One row per profile digest: when the last recomputation with that profile began and ended. An open clock
  // last written before that start was checked by it, so a clock whose due date did not move needs no write.
  '202612040100_core_clock_recomputations': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('clock_recomputations')
        .addColumn('rules_digest', 'text', (c) => c.primaryKey())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .addColumn('clocks_checked', 'integer', (c) => c.notNull())
        .addColumn('clocks_changed', 'integer', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('clock_recomputations').execute();
    },
  },
  // Clocks that count from a personal date (an age-out alert counts from a date of birth) keep their exact
  // dates sealed under the record's vault subject; the plain columns hold only the week, for the scheduler.
  // Forgetting the subject deletes these clocks (and destroys the key of what was sealed).
  '202612050100_core_clocks_sealed': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('clocks').addColumn('subject_id', 'text').execute();
      await db.schema.alterTable('clocks').addColumn('sealed', 'text').execute();
      await db.schema.createIndex('clocks_subject').on('clocks').column('subject_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('clocks_subject').execute();
      await db.schema.alterTable('clocks').dropColumn('sealed').execute();
      await db.schema.alterTable('clocks').dropColumn('subject_id').execute();
    },
  },
  // Nothing needs open clocks by owner, status and due time at scale (a list by owner uses `clocks_record`),
  // and the index cost every recomputation a random write per moved clock.
  '202612210100_core_clocks_drop_owner_due': {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('clocks_owner_due').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.createIndex('clocks_owner_due').on('clocks').columns(['owner', 'status', 'due_at']).execute();
    },
  },
  // What each recomputation moved, apart from the other events: a run that moves every open clock writes one
  // narrow row per clock into one B-tree keyed by clock (no rowid, no second index, no event id), about half the
  // database's work of a `clock_events` row with its three indexes. The recomputed events written so far move here.
  '202612290100_core_clock_recomputed': {
    async up(db: Kysely<unknown>) {
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema
        .createTable('clock_recomputed')
        .addColumn('clock_id', 'text', (c) => c.notNull().references('clocks.id').onDelete('cascade'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('due_before', 'text')
        .addColumn('due_after', 'text', (c) => c.notNull())
        .addColumn('governing_rule', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('clock_recomputed_pk', ['clock_id', 'at'])
        .$call((b) => (postgres ? b : b.modifyEnd(sql`without rowid`)))
        .execute();
      await sql`insert into clock_recomputed (clock_id, at, due_before, due_after, governing_rule)
        select clock_id, at, due_before, due_after, coalesce(governing_rule, '') from clock_events where kind = 'recomputed'
        on conflict do nothing`.execute(db);
      await sql`delete from clock_events where kind = 'recomputed'`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('clock_recomputed').execute();
    },
  },
};
