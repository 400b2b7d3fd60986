/**
 * The Office's staff pages. The public side is the guided form `office-help`, served by the forms engine at
 * `/forms/office-help` (see `office.form.ts`).
 *
 * | method | path | permission |
 * |---|---|---|
 * | GET | `/staff/office/requests` | `office.requests.read` |
 * | GET | `/staff/office/requests/:id` | `office.requests.read` (decrypts; audited) |
 * | POST | `/staff/office/requests/:id/status` | `office.requests.update` |
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../core/http/errors.ts';
import { parseInput } from '../../core/http/validate.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { OFFICE_PERMISSIONS, actingRole } from './office.policy.ts';
import { requestListQuerySchema, requestParamsSchema, statusChangeSchema } from './office.schemas.ts';
import { type StaffActor, changeStatus, listQueue, readRequest } from './office.service.ts';
import { RequestDetailView } from './views/request-detail.view.tsx';
import { RequestQueueView } from './views/request-queue.view.tsx';

const detailQuerySchema = z.strictObject({ updated: z.literal('1').optional(), lang: z.string().max(10).optional() });

/** The acting staff member for a permission (the guard has already checked it). */
function actor(req: FastifyRequest, permission: string): StaffActor {
  const staff = req.staff;
  if (!staff) throw new AppError('unauthorized');
  return { userId: staff.userId, role: actingRole(staff.roles, permission), requestId: req.id };
}

/** A request id from the path; anything that is not one of our ids is simply not found. */
function requestId(req: FastifyRequest): string {
  const parsed = requestParamsSchema.safeParse(req.params);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data.id;
}

/** Registers the Office's staff routes. */
export async function registerOfficeRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/staff/office/requests', { config: { access: { permission: OFFICE_PERMISSIONS.read } } }, async (req, reply) => {
    const query = parseInput(requestListQuerySchema, req.query);
    const page = await listQueue(ctx, query);
    if (query.page > page.pages) throw new AppError('not_found');
    return reply.page(<RequestQueueView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} query={query} page={page} />);
  });

  app.get('/staff/office/requests/:id', { config: { access: { permission: OFFICE_PERMISSIONS.read } } }, async (req, reply) => {
    const id = requestId(req);
    const query = parseInput(detailQuerySchema, req.query);
    const request = await readRequest(ctx, actor(req, OFFICE_PERMISSIONS.read), id);
    const canUpdate = req.staff ? ctx.permissions.allows(req.staff.roles, OFFICE_PERMISSIONS.update) : false;
    return reply.page(
      <RequestDetailView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} request={request} canUpdate={canUpdate} updated={query.updated === '1'} />,
    );
  });

  app.post('/staff/office/requests/:id/status', { config: { access: { permission: OFFICE_PERMISSIONS.update } } }, async (req, reply) => {
    const id = requestId(req);
    const body = parseInput(statusChangeSchema, req.body ?? {});
    await changeStatus(ctx, actor(req, OFFICE_PERMISSIONS.update), id, body.status);
    return reply.redirect(`/staff/office/requests/${id}?updated=1`, 303);
  });
}
