import type { Selectable } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Executor } from '../db/transaction.ts';
import type { AuditEntry } from './audit-entry.ts';

/** One row of the hash chain. Never updated or deleted (database triggers refuse it). */
export interface AuditLogTable {
  seq: number;
  id: string;
  at: string;
  actor_id: string | null;
  actor_role: string;
  action: string;
  outcome: string;
  record_type: string | null;
  record_id: string | null;
  purpose: string;
  legal_process_id: string | null;
  request_id: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

/** The single row (id 1) that every append locks: the current end of the chain. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  at: string;
}

/** A signed statement "the chain had `seq` entries ending in `hash` at `at`". */
export interface AuditCheckpointTable {
  id: string;
  seq: number;
  hash: string;
  at: string;
  key_id: string;
  /** RFC 6962 Merkle tree root (hex) over entries 1…seq; null on checkpoints signed before it existed. */
  tree_root: string | null;
  /** Ed25519 signature, base64url, over `checkpointMessage()`. */
  signature: string;
}

declare module '../db/schema.ts' {
  interface Database {
    audit_log: AuditLogTable;
    audit_head: AuditHeadTable;
    audit_checkpoints: AuditCheckpointTable;
  }
}

export type AuditLogRow = Selectable<AuditLogTable>;
export type AuditCheckpointRow = Selectable<AuditCheckpointTable>;

/** Row → entry (column names → field names). */
export function entryFromRow(r: AuditLogRow): AuditEntry {
  return {
    seq: Number(r.seq),
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    outcome: r.outcome,
    recordType: r.record_type,
    recordId: r.record_id,
    purpose: r.purpose,
    legalProcessId: r.legal_process_id,
    requestId: r.request_id,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Entry → row. */
export function rowFromEntry(e: AuditEntry): AuditLogRow {
  return {
    seq: e.seq,
    id: e.id,
    at: e.at,
    actor_id: e.actorId,
    actor_role: e.actorRole,
    action: e.action,
    outcome: e.outcome,
    record_type: e.recordType,
    record_id: e.recordId,
    purpose: e.purpose,
    legal_process_id: e.legalProcessId,
    request_id: e.requestId,
    detail: e.detail,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

/** Queries of the audit tables. Plain data in and out; no hashing or signing here. */
export const auditRepo = {
  /**
   * Reads the head and, on PostgreSQL, locks it until the caller's transaction ends (`FOR UPDATE`), so
   * concurrent appends queue up instead of both linking to the same predecessor (a forked chain). SQLite
   * has one writer at a time, so the transaction itself serialises appends.
   */
  async lockHead(tx: Executor, dialect: Dialect): Promise<{ seq: number; hash: string; at: string }> {
    let q = tx.selectFrom('audit_head').select(['seq', 'hash', 'at']).where('id', '=', 1);
    if (dialect === 'postgres') q = q.forUpdate();
    const head = await q.executeTakeFirst();
    if (!head) throw new Error('audit_head row is missing: the audit migration has not run or the table was tampered with');
    return { seq: Number(head.seq), hash: head.hash, at: head.at };
  },

  async readHead(db: Executor): Promise<{ seq: number; hash: string; at: string } | undefined> {
    const head = await db.selectFrom('audit_head').select(['seq', 'hash', 'at']).where('id', '=', 1).executeTakeFirst();
    return head && { seq: Number(head.seq), hash: head.hash, at: head.at };
  },

  /**
   * Appends entries that follow the head in order, and moves the head to the last (inside the head's lock). On
   * PostgreSQL in one statement: every transaction waits for the head while its holder goes back and forth.
   */
  async append(tx: Executor, dialect: Dialect, entries: readonly AuditEntry[]): Promise<void> {
    const last = entries.at(-1);
    if (!last) return;
    const rows = entries.map(rowFromEntry);
    const head = { seq: last.seq, hash: last.hash, at: last.at };
    if (dialect === 'postgres') {
      await tx
        .with('appended', (db) => db.insertInto('audit_log').values(rows))
        .updateTable('audit_head')
        .set(head)
        .where('id', '=', 1)
        .execute();
      return;
    }
    await tx.insertInto('audit_log').values(rows).execute();
    await tx.updateTable('audit_head').set(head).where('id', '=', 1).execute();
  },

  /** Entries in chain order after `afterSeq`, at most `limit` (keyset pagination: constant cost per page). */
  async page(db: Executor, afterSeq: number, limit: number): Promise<AuditLogRow[]> {
    return db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
  },

  async entryAt(db: Executor, seq: number): Promise<AuditLogRow | undefined> {
    return db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirst();
  },

  /** Entries about one record, newest first, before `beforeSeq` when paging. */
  async forRecord(db: Executor, recordType: string, recordId: string, options: { limit: number; beforeSeq?: number }): Promise<AuditLogRow[]> {
    let q = db.selectFrom('audit_log').selectAll().where('record_type', '=', recordType).where('record_id', '=', recordId);
    if (options.beforeSeq !== undefined) q = q.where('seq', '<', options.beforeSeq);
    return q.orderBy('seq', 'desc').limit(options.limit).execute();
  },

  async countForRecord(db: Executor, recordType: string, recordId: string): Promise<number> {
    const r = await db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('record_type', '=', recordType)
      .where('record_id', '=', recordId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  async insertCheckpoint(tx: Executor, row: AuditCheckpointRow): Promise<void> {
    await tx.insertInto('audit_checkpoints').values(row).execute();
  },

  async latestCheckpoint(db: Executor): Promise<AuditCheckpointRow | undefined> {
    return db.selectFrom('audit_checkpoints').selectAll().orderBy('seq', 'desc').orderBy('at', 'desc').limit(1).executeTakeFirst();
  },

  /** Checkpoints in order, after `afterSeq` when given. */
  async checkpoints(db: Executor, options: { afterSeq?: number; limit?: number } = {}): Promise<AuditCheckpointRow[]> {
    let q = db.selectFrom('audit_checkpoints').selectAll();
    if (options.afterSeq !== undefined) q = q.where('seq', '>', options.afterSeq);
    q = q.orderBy('seq').orderBy('at');
    if (options.limit !== undefined) q = q.limit(options.limit);
    return q.execute();
  },
};
