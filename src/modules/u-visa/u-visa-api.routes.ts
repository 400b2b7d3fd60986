/**
 * The attorney API: a partner's system files a certification request with a scoped bearer token
 * (`Authorization: Bearer sct_…`, scope `u-visa.api.file`; see docs/api-tokens.md) and reads the status of
 * the requests it filed. Same rules and translated errors as the public form (`Accept-Language` or `?lang=`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { daysLeft } from './u-visa.clocks.ts';
import { U_VISA_PERMISSIONS, actingRole } from './u-visa.policy.ts';
import { uVisaRepo } from './u-visa.repo.ts';
import { requestBodySchema, requestParamsSchema } from './u-visa.schemas.ts';
import { REQUEST_RECORD, type StaffActor, cityDate, fileRequest } from './u-visa.service.ts';

const statusSchema = z.object({
  id: z.string(),
  reference: z.string().optional().describe('The requester\'s reference code for the public status page; returned once, when filed'),
  status: z.enum(['received', 'info-requested', 'pending-review', 'reconsideration', 'certified', 'denied', 'withdrawn']),
  visaType: z.enum(['U', 'T']),
  expedited: z.boolean(),
  department: z.string().nullable(),
  receivedAt: z.string(),
  dueDate: z.string().nullable().describe('Last local day of the certification clock (the stricter rule governs)'),
  daysLeft: z.number().nullable(),
  decision: z.enum(['certified', 'denied']).nullable(),
  decidedAt: z.string().nullable(),
  signedOn: z.string().nullable(),
});

function actor(req: FastifyRequest): StaffActor {
  const staff = req.staff;
  if (!staff) throw new AppError('unauthorized');
  return { userId: staff.userId, role: actingRole(staff.roles, U_VISA_PERMISSIONS.file), requestId: req.id };
}

/** The status of one request as the API returns it (no personal data). */
async function statusOf(ctx: AppContext, id: string, reference?: string): Promise<z.infer<typeof statusSchema>> {
  const row = await uVisaRepo.findById(ctx.db.kysely, id);
  if (!row) throw new AppError('not_found');
  const clock = row.clock_id ? await ctx.clocks.get(row.clock_id) : undefined;
  return {
    id: row.id,
    ...(reference ? { reference } : {}),
    status: row.status as z.infer<typeof statusSchema>['status'],
    visaType: row.visa_type as 'U' | 'T',
    expedited: row.expedited === 1,
    department: row.department,
    receivedAt: row.received_at,
    dueDate: clock?.dueDate ?? null,
    daysLeft: clock && row.open === 1 ? daysLeft(cityDate(ctx, ctx.now()), clock.dueDate) : null,
    decision: (row.decision as 'certified' | 'denied' | null) ?? null,
    decidedAt: row.decided_at,
    signedOn: row.signed_on,
  };
}

export async function registerUVisaApiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post(
    '/api/v1/u-visa/requests',
    {
      config: {
        access: { permission: U_VISA_PERMISSIONS.file },
        strictRateLimit: true,
        openapi: {
          summary: 'File a U or T visa certification request',
          description:
            'For attorneys and other representatives, with a bearer token holding the scope `u-visa.api.file`. Raise the expedite here (removal proceedings) with the type and date of its proof: it cannot be added later. Immigration status is never asked; the A-number is optional. Errors are translated (Accept-Language).',
          tags: ['u-visa'],
          body: requestBodySchema,
          responses: { 201: { description: 'Filed: the request, its clock, and the reference code to give the victim', schema: statusSchema } },
        },
      },
    },
    async (req, reply) => {
      if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) throw new AppError('validation', { messageKey: 'u-visa.error.body' });
      const filed = await fileRequest(ctx, { raw: req.body, channel: 'api', filer: { kind: 'api', actor: actor(req) } });
      return reply.code(201).send(await statusOf(ctx, filed.id, filed.reference));
    },
  );

  app.get(
    '/api/v1/u-visa/requests/:id',
    {
      config: {
        access: { permission: U_VISA_PERMISSIONS.file },
        openapi: { summary: 'Status of a request this account filed', tags: ['u-visa'], responses: { 200: { description: 'The status (no personal data)', schema: statusSchema } } },
      },
    },
    async (req) => {
      const parsed = requestParamsSchema.safeParse(req.params);
      if (!parsed.success) throw new AppError('not_found');
      const who = actor(req);
      // Only the account that filed it may see it; any other id is simply not found.
      await inTransaction(ctx.db, async (tx) => {
        const row = await uVisaRepo.findById(tx, parsed.data.id);
        if (!row || row.filed_by !== who.userId || row.channel !== 'api') throw new AppError('not_found');
        await ctx.audit.record(tx, { actor: { id: who.userId, role: who.role }, action: 'record.read', record: { type: REQUEST_RECORD, id: row.id }, purpose: 'case-work', requestId: who.requestId, detail: 'channel.api' });
      });
      return statusOf(ctx, parsed.data.id);
    },
  );
}
