import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hasFreshStepUp, requireStepUp, stepUpHref } from '../auth/session-hook.ts';
import { isRandomId } from '../crypto/random.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import { parseInput } from '../http/validate.ts';
import type { AppContext } from '../modules/context.ts';
import type { SanctuaryModule } from '../modules/module.ts';
import { DEMAND_STATUSES } from './demands.rules.ts';
import { activeStaff } from './demands.repo.ts';
import { registerDemandSchema } from './demands.schemas.ts';
import { type DemandActor, DemandService } from './demands.service.ts';
import { DisclosureSourceRegistry } from './demands.sources.ts';
import { DemandDetailPage, DemandFormPage, DemandListPage, DemandRegisteredPage, type DemandFormValues, RECORD_SLOTS } from './views/demands.view.tsx';

/** Permissions of the demand gate (see `demandPermissions`). */
export const DEMAND_PERMISSIONS = {
  register: 'core.demands.register',
  read: 'core.demands.read',
  review: 'core.demands.review',
  approve: 'core.demands.approve',
  disclose: 'core.demands.disclose',
} as const;

const access = (permission: string) => ({ access: { permission } });
const csrfField = { _csrf: z.string().max(128).optional() };
const text = (max: number) => z.string().max(max).default('');

/** The register form as posted (flat fields; up to {@link RECORD_SLOTS} named records). */
const registerBody = z
  .object({
    ...csrfField,
    type: text(40),
    formNumber: text(20),
    agencyKind: text(40),
    agencyName: text(400),
    channel: text(40),
    receivedDate: text(20),
    receivedTime: text(10),
    receivedBy: text(40),
    servedOn: text(40),
    issuedByCourt: text(10),
    signedByJudge: text(10),
    judgeName: text(400),
    courtName: text(600),
    caseNumber: text(200),
    issuedOn: text(20),
    expiresOn: text(20),
    unmatchedPeople: text(10),
    requester: text(1000),
    description: text(8000),
    ...Object.fromEntries(
      Array.from({ length: RECORD_SLOTS }, (_, i) => [
        [`records.${i}.source`, text(100)],
        [`records.${i}.recordId`, text(100)],
      ]).flat(),
    ),
  })
  .strict();

const checklistBody = z
  .object({
    ...csrfField,
    type: text(40),
    formNumber: text(20),
    issuedByCourt: text(10),
    signedByJudge: text(10),
    judgeName: text(400),
    courtName: text(600),
    caseNumber: text(200),
    issuedOn: text(20),
    expiresOn: text(20),
  })
  .strict();

/**
 * A wall-clock date and time in the city's time zone → the UTC instant. Returns null for an impossible date
 * or time. For the hour skipped or repeated at a daylight-saving change, the earlier offset wins.
 */
export function zonedToUtc(date: string, time: string, timeZone: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2}):(\d{2})$/.exec(time.trim() || '00:00');
  if (!d || !t) return null;
  const [y, mo, da, h, mi] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])];
  if (h > 23 || mi > 59) return null;
  const wall = Date.UTC(y, mo - 1, da, h, mi);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== da) return null;
  const offsetAt = (instant: number): number => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? '0');
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - Math.floor(instant / 60_000) * 60_000;
  };
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return new Date(guess);
}

function idParam(params: unknown, name = 'id'): string {
  const v = (params as Record<string, unknown>)[name];
  if (typeof v !== 'string' || !isRandomId(v)) throw new AppError('not_found');
  return v;
}

function actorOf(req: FastifyRequest, options: { stepUp?: boolean } = {}): DemandActor {
  const staff = req.staff;
  if (!staff) throw new AppError('unauthorized');
  return { userId: staff.userId, roles: staff.roles, stepUp: options.stepUp ?? false, requestId: req.id };
}

/**
 * Staff pages of the outside-demand gate under `/staff/demands`: the register, registering a demand with the
 * checklist, review, approval (passkey step-up), the single disclosure download, and the notices owed.
 */
export async function registerDemandRoutes(app: FastifyInstance, ctx: AppContext, modules: readonly SanctuaryModule[]): Promise<void> {
  const sources = new DisclosureSourceRegistry(modules.flatMap((m) => m.disclosureSources ?? []));
  const service = new DemandService(ctx, sources);
  const timeZone = ctx.jurisdiction.locale.timezone.value;

  const can = (req: FastifyRequest, permission: string) => req.staff !== undefined && ctx.permissions.allows(req.staff.roles, permission);

  app.get('/staff/demands', { config: access(DEMAND_PERMISSIONS.read) }, async (req, reply) => {
    const q = parseInput(
      z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1), status: z.enum(DEMAND_STATUSES).optional(), lang: z.string().optional() }).strict(),
      req.query ?? {},
    );
    const list = await service.list({ page: q.page, status: q.status });
    return reply.page(<DemandListPage ctx={reply.viewContext()} list={list} page={q.page} status={q.status} canRegister={can(req, DEMAND_PERMISSIONS.register)} timeZone={timeZone} />);
  });

  async function renderForm(req: FastifyRequest, reply: FastifyReply, values: DemandFormValues, errors: FieldError[], status: number) {
    const staff = await activeStaff(ctx.db.kysely);
    return reply.page(<DemandFormPage ctx={reply.viewContext()} values={values} errors={errors} staff={staff} sources={sources.list()} />, status);
  }

  app.get('/staff/demands/new', { config: access(DEMAND_PERMISSIONS.register) }, async (req, reply) => {
    const now = ctx.now();
    const local = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(now)
      .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
    const values: DemandFormValues = {
      receivedDate: `${local.year}-${local.month}-${local.day}`,
      receivedTime: `${local.hour}:${local.minute}`,
      receivedBy: req.staff?.userId ?? '',
      formNumber: 'none',
      issuedByCourt: 'unknown',
      signedByJudge: 'unknown',
      unmatchedPeople: '0',
    };
    return renderForm(req, reply, values, [], 200);
  });

  app.post('/staff/demands', { config: access(DEMAND_PERMISSIONS.register) }, async (req, reply) => {
    const body = parseInput(registerBody, req.body ?? {}) as Record<string, string>;
    const { _csrf: _ignored, ...values } = body;
    const errors: FieldError[] = [];
    const receivedAt = zonedToUtc(body.receivedDate ?? '', body.receivedTime ?? '', timeZone);
    if (!receivedAt) errors.push({ field: 'receivedDate', key: 'demands.error.receivedAt' });
    // Named records: a slot counts when either half is filled; errors keep pointing at the slot.
    const slots: number[] = [];
    const records: Array<{ program: string; recordType: string; recordId: string }> = [];
    for (let i = 0; i < RECORD_SLOTS; i++) {
      const source = (body[`records.${i}.source`] ?? '').trim();
      const recordId = (body[`records.${i}.recordId`] ?? '').trim();
      if (source === '' && recordId === '') continue;
      if (source === '') errors.push({ field: `records.${i}.source`, key: 'demands.error.source' });
      if (recordId === '') errors.push({ field: `records.${i}.recordId`, key: 'demands.error.recordId' });
      const dot = source.indexOf('.');
      slots.push(i);
      records.push({ program: source.slice(0, dot), recordType: source.slice(dot + 1), recordId });
    }
    const input = {
      type: body.type,
      formNumber: body.formNumber,
      agencyKind: body.agencyKind,
      agencyName: body.agencyName,
      channel: body.channel,
      receivedAt: receivedAt?.toISOString() ?? '',
      receivedBy: body.receivedBy,
      servedOn: body.servedOn,
      issuedByCourt: body.issuedByCourt,
      signedByJudge: body.signedByJudge,
      judgeName: body.judgeName,
      courtName: body.courtName,
      caseNumber: body.caseNumber,
      issuedOn: body.issuedOn,
      expiresOn: body.expiresOn,
      unmatchedPeople: body.unmatchedPeople === '' ? '0' : body.unmatchedPeople,
      requester: body.requester,
      description: body.description,
      records: errors.length > 0 ? [] : records,
    };
    try {
      if (errors.length > 0) {
        // Report every problem at once: the route's own checks and the service's field rules.
        try {
          parseInput(registerDemandSchema, { ...input, receivedAt: receivedAt?.toISOString() ?? new Date(0).toISOString() });
        } catch (err) {
          if (err instanceof AppError) errors.push(...err.fields);
        }
        throw new AppError('validation', { fields: errors });
      }
      const result = await service.register(actorOf(req), input as Parameters<DemandService['register']>[1]);
      return reply.redirect(`/staff/demands/registered/${result.id}`, 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation') {
        const fields = [...errors, ...err.fields.filter((f) => !errors.includes(f))].map((f) => {
          const m = /^records\.(\d+)\.(.+)$/.exec(f.field);
          if (m) return { ...f, field: `records.${slots[Number(m[1])] ?? m[1]}.${m[2] === 'program' || m[2] === 'recordType' ? 'source' : m[2]}` };
          return f.field === 'receivedAt' ? { ...f, field: 'receivedDate' } : f;
        });
        const unique = fields.filter((f, i) => fields.findIndex((g) => g.field === f.field) === i);
        return renderForm(req, reply, values, unique, 422);
      }
      throw err;
    }
  });

  // The confirmation shows only what the person who registered needs: reference, type and outcome.
  app.get('/staff/demands/registered/:id', { config: access(DEMAND_PERMISSIONS.register) }, async (req, reply) => {
    const id = idParam(req.params);
    const summary = await service.summary(id);
    // The front desk sees the confirmation of what it registered itself, not of other people's registrations.
    if (!summary || (!can(req, DEMAND_PERMISSIONS.read) && summary.registeredBy !== req.staff?.userId)) throw new AppError('not_found');
    return reply.page(<DemandRegisteredPage ctx={reply.viewContext()} demand={summary} canRead={can(req, DEMAND_PERMISSIONS.read)} />);
  });

  async function renderDetail(req: FastifyRequest, reply: FastifyReply, id: string, extra: { errors?: FieldError[]; error?: string; notice?: string } = {}, status = 200) {
    const demand = await service.get(actorOf(req), id);
    const next = `/staff/demands/${id}`;
    return reply.page(
      <DemandDetailPage
        ctx={reply.viewContext()}
        demand={demand}
        actorId={req.staff?.userId ?? ''}
        can={{
          review: can(req, DEMAND_PERMISSIONS.review),
          approve: can(req, DEMAND_PERMISSIONS.approve),
          disclose: can(req, DEMAND_PERMISSIONS.disclose),
          auditRead: can(req, 'core.audit.read'),
        }}
        stepUpFresh={hasFreshStepUp(req)}
        stepUpHref={stepUpHref('disclosure', next)}
        sources={sources.list()}
        timeZone={timeZone}
        {...extra}
      />,
      status,
    );
  }

  app.get('/staff/demands/:id', { config: access(DEMAND_PERMISSIONS.read) }, async (req, reply) => {
    const id = idParam(req.params);
    const q = parseInput(z.object({ notice: z.enum(['saved', 'approved', 'declined', 'noticeSent', 'noticeRecorded', 'partial']).optional(), lang: z.string().optional() }).strict(), req.query ?? {});
    return renderDetail(req, reply, id, { notice: q.notice });
  });

  /** Runs an action; a refused one re-renders the page with the reason instead of a bare error page. */
  async function act(req: FastifyRequest, reply: FastifyReply, id: string, action: () => Promise<unknown>, notice: string | (() => string)) {
    try {
      await action();
    } catch (err) {
      if (err instanceof AppError && (err.code === 'validation' || err.code === 'conflict')) {
        return renderDetail(req, reply, id, { errors: err.fields, error: err.messageKey }, err.status);
      }
      throw err;
    }
    return reply.redirect(`/staff/demands/${id}?notice=${typeof notice === 'string' ? notice : notice()}`, 303);
  }

  app.post('/staff/demands/:id/checklist', { config: access(DEMAND_PERMISSIONS.review) }, async (req, reply) => {
    const id = idParam(req.params);
    const { _csrf: _ignored, ...body } = parseInput(checklistBody, req.body ?? {});
    return act(req, reply, id, () => service.updateChecklist(actorOf(req), id, body), 'saved');
  });

  app.post('/staff/demands/:id/records', { config: access(DEMAND_PERMISSIONS.review) }, async (req, reply) => {
    const id = idParam(req.params);
    const body = parseInput(z.object({ ...csrfField, source: text(100), recordId: text(100) }).strict(), req.body ?? {});
    const dot = body.source.indexOf('.');
    return act(req, reply, id, () => service.addRecord(actorOf(req), id, { program: body.source.slice(0, dot), recordType: body.source.slice(dot + 1), recordId: body.recordId }), 'saved');
  });

  app.post('/staff/demands/:id/decline', { config: access(DEMAND_PERMISSIONS.review) }, async (req, reply) => {
    const id = idParam(req.params);
    const body = parseInput(z.object({ ...csrfField, reason: text(60) }).strict(), req.body ?? {});
    return act(req, reply, id, () => service.decline(actorOf(req), id, { reason: body.reason }), 'declined');
  });

  app.post('/staff/demands/:id/approve', { config: access(DEMAND_PERMISSIONS.approve) }, async (req, reply) => {
    const id = idParam(req.params);
    parseInput(z.object({ ...csrfField }).strict(), req.body ?? {});
    requireStepUp(req, 'disclosure');
    let complete = false;
    return act(
      req,
      reply,
      id,
      async () => {
        complete = (await service.approve(actorOf(req, { stepUp: true }), id)).state.complete;
      },
      () => (complete ? 'approved' : 'partial'),
    );
  });

  // POST, not GET: the download is single-use and changes state; a prefetch or a reload must not spend it.
  app.post('/staff/demands/:id/disclosure', { config: access(DEMAND_PERMISSIONS.disclose) }, async (req, reply) => {
    const id = idParam(req.params);
    parseInput(z.object({ ...csrfField }).strict(), req.body ?? {});
    requireStepUp(req, 'disclosure');
    const pkg = await service.disclose(actorOf(req, { stepUp: true }), id);
    return reply
      .header('content-disposition', `attachment; filename="disclosure-${pkg.demand.reference}.json"`)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(pkg, null, 2));
  });

  app.post('/staff/demands/:id/nondisclosure', { config: access(DEMAND_PERMISSIONS.review) }, async (req, reply) => {
    const id = idParam(req.params);
    const body = parseInput(z.object({ ...csrfField, orderRef: text(600), until: text(20) }).strict(), req.body ?? {});
    return act(req, reply, id, () => service.recordNondisclosure(actorOf(req), id, { orderRef: body.orderRef, until: body.until }), 'saved');
  });

  app.post('/staff/demands/:id/nondisclosure/lift', { config: access(DEMAND_PERMISSIONS.review) }, async (req, reply) => {
    const id = idParam(req.params);
    parseInput(z.object({ ...csrfField }).strict(), req.body ?? {});
    return act(req, reply, id, () => service.liftNondisclosure(actorOf(req), id), 'saved');
  });

  app.post('/staff/demands/:id/notices/:recordId/send', { config: access(DEMAND_PERMISSIONS.review) }, async (req, reply) => {
    const id = idParam(req.params);
    const recordId = idParam(req.params, 'recordId');
    parseInput(z.object({ ...csrfField }).strict(), req.body ?? {});
    return act(req, reply, id, () => service.sendNotice(actorOf(req), id, recordId), 'noticeSent');
  });

  app.post('/staff/demands/:id/notices/:recordId/record', { config: access(DEMAND_PERMISSIONS.review) }, async (req, reply) => {
    const id = idParam(req.params);
    const recordId = idParam(req.params, 'recordId');
    const body = parseInput(z.object({ ...csrfField, method: text(40) }).strict(), req.body ?? {});
    return act(req, reply, id, () => service.recordNotice(actorOf(req), id, recordId, { method: body.method }), 'noticeRecorded');
  });
}
