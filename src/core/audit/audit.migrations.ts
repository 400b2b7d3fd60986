import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { NamedMigrations } from '../db/migrator.ts';
import { GENESIS_HASH } from './audit-entry.ts';

/** True when a migration runs on PostgreSQL (types and trigger syntax differ a little). */
export function migratingPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Refuses UPDATE and DELETE on a table at the database level. This does not stop a database superuser (who
 * can drop the trigger) — the hash chain and signed checkpoints catch that — but it stops every ordinary
 * code path, including a buggy query, from rewriting history.
 */
async function appendOnly(db: Kysely<unknown>, table: 'audit_log' | 'audit_checkpoints'): Promise<void> {
  if (migratingPostgres(db)) {
    await sql`create or replace function sanctuary_append_only() returns trigger language plpgsql as $$
      begin raise exception 'table % is append-only', tg_table_name using errcode = '55000'; end $$`.execute(db);
    await sql`create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function sanctuary_append_only()`.execute(db);
    await sql`create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function sanctuary_append_only()`.execute(db);
  } else {
    // SQLite trigger bodies take no bound parameters: the message is a fixed literal.
    await sql`create trigger ${sql.id(`${table}_no_update`)} before update on ${sql.table(table)}
      begin select raise(abort, 'append-only table'); end`.execute(db);
    await sql`create trigger ${sql.id(`${table}_no_delete`)} before delete on ${sql.table(table)}
      begin select raise(abort, 'append-only table'); end`.execute(db);
  }
}

/**
 * The audit log (hash chain), its head (the one row appends lock) and the signed checkpoints.
 * `seq` is `bigint` on PostgreSQL and `integer` (a rowid alias, the fastest key) on SQLite; both hold 2^63.
 */
export const auditMigrations: NamedMigrations = {
  '202611270300_audit_log': {
    async up(db: Kysely<unknown>) {
      const seqType = migratingPostgres(db) ? 'bigint' : 'integer';
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', seqType, (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_role', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('record_type', 'text')
        .addColumn('record_id', 'text')
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('legal_process_id', 'text')
        .addColumn('request_id', 'text')
        .addColumn('detail', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_record').on('audit_log').columns(['record_type', 'record_id', 'seq']).execute();
      await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'seq']).execute();
      await appendOnly(db, 'audit_log');

      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', seqType, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db
        .insertInto('audit_head' as never)
        .values({ id: 1, seq: 0, hash: GENESIS_HASH, at: '1970-01-01T00:00:00.000Z' })
        .execute();

      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('seq', seqType, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_checkpoints_seq').on('audit_checkpoints').columns(['seq', 'at']).execute();
      await appendOnly(db, 'audit_checkpoints');
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_checkpoints').execute();
      await db.schema.dropTable('audit_head').execute();
      await db.schema.dropTable('audit_log').execute();
    },
  },
  '202611270500_audit_merkle_root': {
    // Signed checkpoints carry the RFC 6962 Merkle tree root over the entries they cover (R32).
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('audit_checkpoints').addColumn('tree_root', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('audit_checkpoints').dropColumn('tree_root').execute();
    },
  },
  '202611270510_audit_access_alerts': {
    // Alerts on abnormal access volumes (R35): ids, times and counts only.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_access_alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('window_end', 'text', (c) => c.notNull())
        .addColumn('reads', 'integer', (c) => c.notNull())
        .addColumn('usual', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('acknowledged_by', 'text')
        .addColumn('acknowledged_at', 'text')
        .execute();
      await db.schema.createIndex('audit_access_alerts_actor').on('audit_access_alerts').columns(['actor_id', 'window_end']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_access_alerts').execute();
    },
  },
};
