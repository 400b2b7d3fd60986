import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isRandomId } from '../crypto/random.ts';
import { AppError } from '../http/errors.ts';
import { parseInput } from '../http/validate.ts';
import type { AppContext } from '../modules/context.ts';
import { isRecordTypeCode } from './audit-entry.ts';
import { CHECKPOINT_FORMAT } from './checkpoint.ts';
import { acknowledgeAccessAlert, listAccessAlerts } from './access-alerts.ts';
import { AccessAlertsPage } from './views/access-alerts.tsx';
import { RecordHistoryPage } from './views/record-history.tsx';

/** Permission to read the audit log (counsel and administrators). */
export const AUDIT_READ_PERMISSION = 'core.audit.read';

const PAGE = 50;

const checkpointsQuery = z
  .object({
    after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(1000),
  })
  .strict();

const historyParams = z
  .object({
    type: z.string().max(64).refine(isRecordTypeCode),
    id: z.string().refine(isRandomId),
  })
  .strict();

const historyQuery = z.object({ before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional() }).strict();

/**
 * Public verification material (the checkpoint key and the checkpoints, so anyone can copy them off the
 * server) and counsel's record access history.
 */
export async function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/.well-known/audit-key.json', { config: { access: 'public' } }, async (_req, reply) => {
    const jwks = await ctx.audit.publicKeys();
    return reply.type('application/json; charset=utf-8').send({ ...jwks, checkpointFormat: CHECKPOINT_FORMAT });
  });

  app.get('/api/v1/audit/checkpoints', { config: { access: 'public' } }, async (req) => {
    const q = parseInput(checkpointsQuery, withoutLang(req.query));
    const checkpoints = await ctx.audit.checkpoints({ afterSeq: q.after, limit: q.limit });
    return { format: CHECKPOINT_FORMAT, keys: '/.well-known/audit-key.json', checkpoints };
  });

  await registerAccessAlertRoutes(app, ctx);

  app.get('/staff/audit/records/:type/:id', { config: { access: { permission: AUDIT_READ_PERMISSION } } }, async (req, reply) => {
    const params = historyParamsOrNotFound(req.params);
    const q = parseInput(historyQuery, withoutLang(req.query));
    const staff = req.staff;
    if (!staff) throw new AppError('unauthorized');
    const role = staff.roles.find((r) => ctx.permissions.allows([r], AUDIT_READ_PERMISSION)) ?? staff.roles[0];
    if (!role) throw new AppError('forbidden');
    // Reading who looked at a record is itself recorded: counsel's access is audited like anyone's.
    await ctx.audit.recordNow({
      actor: { id: staff.userId, role },
      action: 'audit.history-read',
      record: { type: params.type, id: params.id },
      purpose: 'counsel-review',
      requestId: req.id,
    });
    const { entries, total } = await ctx.audit.historyOf(params.type, params.id, { limit: PAGE, beforeSeq: q.before });
    const names = await ctx.audit.staffNames(entries.map((e) => e.actorId ?? ''));
    const base = `/staff/audit/records/${params.type}/${params.id}`;
    const oldest = entries.at(-1);
    const hasOlder = oldest !== undefined && entries.length === PAGE && oldest.seq > 1;
    return reply.page(
      <RecordHistoryPage
        ctx={reply.viewContext()}
        recordType={params.type}
        recordId={params.id}
        entries={entries}
        names={names}
        total={total}
        timeZone={ctx.jurisdiction.locale.timezone.value}
        olderHref={hasOlder ? `${base}?before=${oldest.seq}` : undefined}
        newestHref={q.before !== undefined ? base : undefined}
      />,
    );
  });
}

/** Administrators' permission: they see and acknowledge access-volume alerts (R35). */
const ALERTS_PERMISSION = 'core.users.manage';
const alertsQuery = z.object({ acknowledged: z.literal('1').optional() }).strict();

/** Access-volume alerts (R35): the list, and acknowledging one. */
export async function registerAccessAlertRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/staff/audit/alerts', { config: { access: { permission: ALERTS_PERMISSION } } }, async (req, reply) => {
    const q = parseInput(alertsQuery, withoutLang(req.query));
    const alerts = await listAccessAlerts(ctx);
    const names = await ctx.audit.staffNames([...new Set(alerts.flatMap((a) => [a.actorId, a.acknowledgedBy ?? '']))]);
    return reply.page(
      <AccessAlertsPage
        ctx={reply.viewContext()}
        alerts={alerts}
        names={names}
        timeZone={ctx.jurisdiction.locale.timezone.value}
        windowMinutes={ctx.config.accessAlerts.windowMinutes}
        acknowledged={q.acknowledged === '1'}
      />,
    );
  });

  app.post('/staff/audit/alerts/:id/acknowledge', { config: { access: { permission: ALERTS_PERMISSION } } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const staff = req.staff;
    if (!staff) throw new AppError('unauthorized');
    if (!isRandomId(id) || !(await acknowledgeAccessAlert(ctx, id, staff.userId, req.id))) throw new AppError('not_found');
    return reply.redirect('/staff/audit/alerts?acknowledged=1', 303);
  });
}

/** `?lang=` is handled by the server for every page; the route schemas see the rest. */
function withoutLang(query: unknown): Record<string, unknown> {
  const { lang: _lang, ...rest } = (query ?? {}) as Record<string, unknown>;
  return rest;
}

/** A malformed record type or id names no record: answer 404 rather than a validation error. */
function historyParamsOrNotFound(params: unknown): z.output<typeof historyParams> {
  const parsed = historyParams.safeParse(params);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data;
}
