/**
 * Alerts on abnormal access volumes (R35, ASVS 4.0.3 8.1.4): an insider copying records in bulk — a staff
 * account suddenly reading far more records than it usually does — is raised to administrators.
 *
 * The ground truth is the audit log: every decrypting read, search and export of a sensitive record writes an
 * entry with the staff account that did it. Every ten minutes (job `audit.access-volume`) the entries of the
 * last `windowMinutes` are counted per staff account; an account alerts when its count exceeds both
 * `minReads` and `factor` × its usual count per window over the `baselineDays` before. An alert is stored
 * (`audit_access_alerts`: ids and counts only), recorded in the audit log (`audit.volume-alert`, about the
 * account) and mailed to every active administrator (`core/notify`), who see it and acknowledge it at
 * `/staff/audit/alerts`. One alert per account per window: the job running again does not repeat it.
 *
 * Reading only the window's entries: `at` grows with `seq`, so the first entry of the window is found by a
 * binary search over `seq` (a few point lookups), and the count uses the `(actor_id, seq)` index.
 */
import { secretsFor } from '../auth/auth-secrets.ts';
import { ROLES } from '../auth/permissions.ts';
import { randomId } from '../crypto/random.ts';
import type { Executor } from '../db/transaction.ts';
import { inTransaction } from '../db/transaction.ts';
import { isLocale } from '../i18n/locales.ts';
import type { AppContext } from '../modules/context.ts';

/** The audit actions that count: a staff member looking at, searching or taking out records. */
export const VOLUME_ACTIONS = ['record.read', 'record.search', 'record.export'] as const;

/** The notification template sent to administrators. */
export const VOLUME_ALERT_TEMPLATE = 'audit.notify.volumeAlert';

/** One stored alert (ids, times and counts only). */
export interface AccessAlertTable {
  id: string;
  actor_id: string;
  window_start: string;
  window_end: string;
  reads: number;
  /** The account's usual count per window, rounded up. */
  usual: number;
  created_at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    audit_access_alerts: AccessAlertTable;
  }
}

export interface AccessAlert {
  id: string;
  actorId: string;
  windowStart: string;
  windowEnd: string;
  reads: number;
  usual: number;
  createdAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

function fromRow(r: AccessAlertTable): AccessAlert {
  return {
    id: r.id,
    actorId: r.actor_id,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    reads: Number(r.reads),
    usual: Number(r.usual),
    createdAt: r.created_at,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: r.acknowledged_at,
  };
}

/** The lowest `seq` whose entry is at or after `time` (one past the head when there is none). */
export async function firstSeqAtOrAfter(db: Executor, time: string): Promise<number> {
  const head = await db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirst();
  let lo = 1;
  let hi = Number(head?.seq ?? 0) + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    // The first entry at or after `mid` (tolerates a gap in seq).
    const row = await db.selectFrom('audit_log').select(['seq', 'at']).where('seq', '>=', mid).orderBy('seq').limit(1).executeTakeFirst();
    if (!row || Number(row.seq) >= hi) hi = mid;
    else if (row.at >= time) hi = mid;
    else lo = Number(row.seq) + 1;
  }
  return lo;
}

async function countByActor(db: Executor, fromSeq: number, toSeq: number | undefined, actorId?: string): Promise<Map<string, number>> {
  let q = db
    .selectFrom('audit_log')
    .select((eb) => ['actor_id', eb.fn.countAll<number>().as('n')])
    .where('seq', '>=', fromSeq)
    .where('actor_id', 'is not', null)
    .where('action', 'in', [...VOLUME_ACTIONS])
    .where('actor_role', 'in', [...ROLES]);
  if (toSeq !== undefined) q = q.where('seq', '<', toSeq);
  if (actorId !== undefined) q = q.where('actor_id', '=', actorId);
  const rows = await q.groupBy('actor_id').execute();
  return new Map(rows.map((r) => [r.actor_id as string, Number(r.n)]));
}

/**
 * Counts the last window's reads per staff account and raises an alert for each abnormal one. Returns the
 * alerts raised now (none for an account already alerted in this window).
 */
export async function checkAccessVolumes(ctx: AppContext): Promise<AccessAlert[]> {
  const { windowMinutes, minReads, factor, baselineDays } = ctx.config.accessAlerts;
  const now = ctx.now();
  const windowMs = windowMinutes * 60_000;
  const windowStart = new Date(now.getTime() - windowMs).toISOString();
  const baselineStart = new Date(now.getTime() - windowMs - baselineDays * 86_400_000).toISOString();
  const db = ctx.db.kysely;
  const fromSeq = await firstSeqAtOrAfter(db, windowStart);
  const recent = await countByActor(db, fromSeq, undefined);
  const raised: AccessAlert[] = [];
  for (const [actorId, reads] of recent) {
    if (reads <= minReads) continue;
    const baselineSeq = await firstSeqAtOrAfter(db, baselineStart);
    const before = (await countByActor(db, baselineSeq, fromSeq, actorId)).get(actorId) ?? 0;
    const usual = before / ((baselineDays * 86_400_000) / windowMs);
    if (reads <= factor * usual) continue;
    const alert = await inTransaction(ctx.db, async (tx) => {
      // One alert per account per window.
      const open = await tx
        .selectFrom('audit_access_alerts')
        .select('id')
        .where('actor_id', '=', actorId)
        .where('window_end', '>', windowStart)
        .executeTakeFirst();
      if (open) return undefined;
      const row: AccessAlertTable = {
        id: randomId(),
        actor_id: actorId,
        window_start: windowStart,
        window_end: now.toISOString(),
        reads,
        usual: Math.ceil(usual),
        created_at: now.toISOString(),
        acknowledged_by: null,
        acknowledged_at: null,
      };
      await tx.insertInto('audit_access_alerts').values(row).execute();
      await notifyAdmins(ctx, tx, row);
      await ctx.audit.record(tx, {
        actor: { id: null, role: 'system' },
        action: 'audit.volume-alert',
        record: { type: 'core.user', id: actorId },
        purpose: 'security',
        detail: 'reason.bulk-reads',
      });
      return fromRow(row);
    });
    if (alert) raised.push(alert);
  }
  return raised;
}

/** Mails every active administrator: counts and a link, never a record or a name of a resident. */
async function notifyAdmins(ctx: AppContext, tx: Executor, alert: AccessAlertTable): Promise<void> {
  const admins = await tx
    .selectFrom('auth_users')
    .innerJoin('auth_user_roles', 'auth_user_roles.user_id', 'auth_users.id')
    .select(['auth_users.id as id', 'auth_users.email_display as email'])
    .where('auth_user_roles.role', '=', 'admin')
    .where('auth_users.status', '=', 'active')
    .execute();
  const secrets = secretsFor(ctx);
  const language = ctx.jurisdiction.locale.defaultLanguage.value;
  const locale = isLocale(language) ? language : 'en';
  for (const admin of admins) {
    const to = await secrets.open(admin.id, { table: 'auth_users', column: 'email_display', rowId: admin.id }, admin.email);
    await ctx.notifier.enqueue(
      {
        channel: 'email',
        to,
        template: VOLUME_ALERT_TEMPLATE,
        values: { reads: alert.reads, usual: alert.usual, minutes: ctx.config.accessAlerts.windowMinutes, link: `${ctx.config.baseUrl}/staff/audit/alerts` },
        locale,
        subjectRef: admin.id,
        about: { type: 'core.user', id: alert.actor_id },
      },
      tx,
    );
  }
}

/** Alerts, newest first (unacknowledged ones first). */
export async function listAccessAlerts(ctx: AppContext, limit = 100): Promise<AccessAlert[]> {
  const rows = await ctx.db.kysely
    .selectFrom('audit_access_alerts')
    .selectAll()
    .orderBy((eb) => eb.case().when('acknowledged_at', 'is', null).then(0).else(1).end())
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

/**
 * An administrator acknowledges an alert (after looking into it); recorded in the audit log.
 * Returns false when there is no such alert or it was already acknowledged.
 */
export async function acknowledgeAccessAlert(ctx: AppContext, alertId: string, adminId: string, requestId: string | undefined): Promise<boolean> {
  return inTransaction(ctx.db, async (tx) => {
    const updated = await tx
      .updateTable('audit_access_alerts')
      .set({ acknowledged_by: adminId, acknowledged_at: ctx.now().toISOString() })
      .where('id', '=', alertId)
      .where('acknowledged_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    const alert = await tx.selectFrom('audit_access_alerts').select('actor_id').where('id', '=', alertId).executeTakeFirstOrThrow();
    await ctx.audit.record(tx, {
      actor: { id: adminId, role: 'admin' },
      action: 'audit.volume-alert-ack',
      record: { type: 'core.user', id: alert.actor_id },
      purpose: 'security',
      ...(requestId ? { requestId } : {}),
    });
    return true;
  });
}
