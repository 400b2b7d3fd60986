import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/transaction.ts';

/** `notify_messages`: one outbound email or text message. */
export interface NotifyMessageTable {
  id: string;
  channel: string;
  template: string;
  locale: string;
  /** The vault subject whose data key seals the address and content (the recipient). */
  subject_id: string;
  /** What the message is about (`privacy.demand-record`, …) by type and id; never a personal value. */
  related_type: string | null;
  related_id: string | null;
  recipient_sealed: string | null;
  /** Sealed JSON: subject, text, html, attachments. */
  content_sealed: string | null;
  /** `queued` → `sending` → `sent` | `failed`; `expired` when the content was purged before it went out. */
  status: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  /** A short error code (`smtp_550`, `sms_http_500`), never a server's message text. */
  last_error: string | null;
  provider_id: string | null;
  created_at: string;
  sent_at: string | null;
  purged_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    notify_messages: NotifyMessageTable;
  }
}

export type NotifyMessageRow = Selectable<NotifyMessageTable>;

/** Data access for the outbox. Never decrypts. */
export const notifyRepo = {
  async insert(db: Executor, row: Insertable<NotifyMessageTable>): Promise<void> {
    await db.insertInto('notify_messages').values(row).execute();
  },

  async find(db: Executor, id: string): Promise<NotifyMessageRow | undefined> {
    return db.selectFrom('notify_messages').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Ids of messages ready to (re)try: queued and due, or stuck in `sending` past their lease (a crashed sender). */
  async dueIds(db: Executor, nowIso: string, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('notify_messages')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', nowIso)]),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', nowIso)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  /**
   * Claims one message for sending with a lease. A conditional UPDATE, so two workers (two instances) never
   * both claim it; a worker that dies leaves the lease to run out and the message is retried.
   */
  async claim(db: Executor, id: string, nowIso: string, leaseUntil: string): Promise<NotifyMessageRow | undefined> {
    const res = await db
      .updateTable('notify_messages')
      .set({ status: 'sending', lease_until: leaseUntil })
      .where('id', '=', id)
      .where('content_sealed', 'is not', null)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', nowIso)]),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', nowIso)]),
        ]),
      )
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return undefined;
    return this.find(db, id);
  },

  async markSent(db: Executor, id: string, at: string, attempts: number, providerId: string | undefined): Promise<void> {
    await db
      .updateTable('notify_messages')
      .set({ status: 'sent', sent_at: at, attempts, provider_id: providerId ?? null, lease_until: null, last_error: null })
      .where('id', '=', id)
      .execute();
  },

  async markRetry(db: Executor, id: string, attempts: number, nextAt: string, error: string): Promise<void> {
    await db
      .updateTable('notify_messages')
      .set({ status: 'queued', attempts, next_attempt_at: nextAt, lease_until: null, last_error: error })
      .where('id', '=', id)
      .execute();
  },

  async markFailed(db: Executor, id: string, attempts: number, error: string): Promise<void> {
    await db
      .updateTable('notify_messages')
      .set({ status: 'failed', attempts, lease_until: null, last_error: error })
      .where('id', '=', id)
      .execute();
  },

  /**
   * Erases address and content of every message created before `cutoff` (keeps when, channel, template,
   * status). Messages still waiting to go out become `expired`. Returns how many were purged.
   */
  async purgeBefore(db: Executor, cutoffIso: string, nowIso: string): Promise<number> {
    await db
      .updateTable('notify_messages')
      .set({ status: 'expired', lease_until: null })
      .where('created_at', '<', cutoffIso)
      .where('purged_at', 'is', null)
      .where('status', 'in', ['queued', 'sending'])
      .execute();
    const res = await db
      .updateTable('notify_messages')
      .set({ recipient_sealed: null, content_sealed: null, purged_at: nowIso })
      .where('created_at', '<', cutoffIso)
      .where('purged_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  },

  async statusOf(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await db.selectFrom('notify_messages').select(['id', 'status']).where('id', 'in', [...ids]).execute();
    return new Map(rows.map((r) => [r.id, r.status]));
  },
};
