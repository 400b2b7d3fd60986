/**
 * Staff pages of appointments.
 *
 * | method | path | permission |
 * |---|---|---|
 * | GET | `/staff/appointments` (site, day) | `appointments.bookings.read` |
 * | POST | `/staff/appointments/find` (reference code) | `appointments.bookings.read` |
 * | GET | `/staff/appointments/bookings/:id` (decrypts the contact; audited) | `appointments.bookings.read` |
 * | POST | `/staff/appointments/bookings/:id/status` | `appointments.bookings.update` |
 * | GET, POST | `/staff/appointments/walk-ins`, POST `…/call`, POST `…/:id/status` | `appointments.walkins.manage` |
 * | GET, POST | `/staff/appointments/sites`, `…/new`, `…/:id`, `…/:id/hours`, `…/:id/closures`, `…/:id/closures/:closureId/delete`, `…/:id/services` | `appointments.sites.manage` |
 * | GET | `/staff/appointments/reports` | `appointments.reports.read` |
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type FieldError } from '../../core/http/errors.ts';
import { formListValues, parseInput } from '../../core/http/validate.ts';
import { localDate } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { listServices } from './appointments.services.ts';
import { APPOINTMENT_PERMISSIONS, actingRole } from './appointments.policy.ts';
import {
  bookingActionSchema,
  capacityFormSchema,
  closureFormSchema,
  dayQuerySchema,
  hoursFormSchema,
  idParam,
  reportQuerySchema,
  siteFormSchema,
  staffFindSchema,
  walkInAddSchema,
  walkInCallSchema,
  walkInQuerySchema,
  walkInStatusSchema,
} from './appointments.schemas.ts';
import { getBooking, readBookingForStaff, setStatus, todaysAppointments } from './bookings.service.ts';
import { weeklyReport } from './reports.service.ts';
import type { StaffActor } from './site-rules.ts';
import { addClosure, createSite, listActiveSites, listSitesForStaff, removeClosure, setHours, setServiceCapacity, siteForStaff, updateSite } from './sites.service.ts';
import { addWalkIn, callNext, setWalkInStatus, walkInQueue } from './walkins.service.ts';
import { BookingDetailView, DayView, ReportsView, SiteEditView, SitesView, WalkInsView, type StaffNavAccess } from './views/staff.views.tsx';

const P = APPOINTMENT_PERMISSIONS;
const detailQuerySchema = z.strictObject({ updated: z.literal('1').optional(), lang: z.string().max(10).optional() });
const plainQuerySchema = z.strictObject({ lang: z.string().max(10).optional() });
const siteQuerySchema = z.strictObject({ saved: z.enum(['details', 'hours', 'closures', 'services']).optional(), lang: z.string().max(10).optional() });
const statusFormSchema = bookingActionSchema.extend({ back: z.enum(['day', 'detail']).optional() });

function actor(req: FastifyRequest, permission: string): StaffActor {
  const staff = req.staff;
  if (!staff) throw new AppError('unauthorized');
  return { userId: staff.userId, role: actingRole(staff.roles, permission), requestId: req.id };
}

function idOf(req: FastifyRequest, name = 'id'): string {
  const parsed = idParam.safeParse((req.params as Record<string, string>)[name]);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data;
}

function errorsOf(err: unknown): FieldError[] {
  if (err instanceof AppError && err.code === 'validation') return err.fields;
  throw err;
}

/** Registers the staff pages. */
export async function registerStaffRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const tz = ctx.jurisdiction.locale.timezone.value;
  const languages = ctx.jurisdiction.locale.languages.value;
  const access = (req: FastifyRequest): StaffNavAccess => {
    const roles = req.staff?.roles ?? [];
    return {
      read: ctx.permissions.allows(roles, P.read),
      update: ctx.permissions.allows(roles, P.update),
      walkIns: ctx.permissions.allows(roles, P.walkIns),
      sites: ctx.permissions.allows(roles, P.sites),
      reports: ctx.permissions.allows(roles, P.reports),
    };
  };
  const today = () => localDate(ctx.jurisdiction, ctx.now());

  app.get('/staff/appointments', { config: { access: { permission: P.read } } }, async (req, reply) => {
    const q = parseInput(dayQuerySchema.extend({ notFound: z.literal('1').optional() }), req.query);
    const sites = await listActiveSites(ctx);
    const siteId = q.site ?? sites[0]?.id;
    const date = q.date ?? today();
    const site = sites.find((s) => s.id === siteId);
    if (q.site && !site) throw new AppError('not_found');
    const bookings = site ? await todaysAppointments(ctx, site.id, date) : [];
    return reply.page(
      <DayView ctx={reply.viewContext()} access={access(req)} sites={sites} site={site} date={date} today={today()} bookings={bookings} tz={tz} languages={languages} notice={q.updated ? 'updated' : q.notFound ? 'notFound' : undefined} />,
    );
  });

  app.post('/staff/appointments/find', { config: { access: { permission: P.read } } }, async (req, reply) => {
    const parsed = staffFindSchema.safeParse(req.body ?? {});
    const booking = parsed.success ? await getBooking(ctx, parsed.data.code) : null;
    if (!booking) return reply.redirect('/staff/appointments?notFound=1', 303);
    return reply.redirect(`/staff/appointments/bookings/${booking.bookingId}`, 303);
  });

  app.get('/staff/appointments/bookings/:id', { config: { access: { permission: P.read } } }, async (req, reply) => {
    const id = idOf(req);
    const q = parseInput(detailQuerySchema, req.query);
    const booking = await readBookingForStaff(ctx, actor(req, P.read), id);
    return reply.page(<BookingDetailView ctx={reply.viewContext()} access={access(req)} booking={booking} tz={tz} languages={languages} updated={q.updated === '1'} />);
  });

  app.post('/staff/appointments/bookings/:id/status', { config: { access: { permission: P.update } } }, async (req, reply) => {
    const id = idOf(req);
    const body = parseInput(statusFormSchema, req.body ?? {});
    const booking = await setStatus(ctx, actor(req, P.update), id, body.action);
    const back = body.back === 'day' ? `/staff/appointments?site=${booking.site.id}&date=${booking.localDate}&updated=1` : `/staff/appointments/bookings/${id}?updated=1`;
    return reply.redirect(back, 303);
  });

  // --- Walk-ins -----------------------------------------------------------------------------------------

  app.get('/staff/appointments/walk-ins', { config: { access: { permission: P.walkIns } } }, async (req, reply) => {
    const q = parseInput(walkInQuerySchema.extend({ ticket: z.string().regex(/^\d{1,5}$/).optional() }), req.query);
    const sites = await listActiveSites(ctx);
    const site = sites.find((s) => s.id === (q.site ?? sites[0]?.id));
    if (q.site && !site) throw new AppError('not_found');
    const queue = site ? await walkInQueue(ctx, site.id) : [];
    return reply.page(
      <WalkInsView ctx={reply.viewContext()} access={access(req)} sites={sites} site={site} queue={queue} languages={languages} tz={tz} issued={q.ticket} called={q.called} />,
    );
  });

  app.post('/staff/appointments/walk-ins', { config: { access: { permission: P.walkIns } } }, async (req, reply) => {
    const body = parseInput(walkInAddSchema, req.body ?? {});
    const ticket = await addWalkIn(ctx, body.site, body.language);
    return reply.redirect(`/staff/appointments/walk-ins?site=${body.site}&ticket=${ticket.ticket}`, 303);
  });

  app.post('/staff/appointments/walk-ins/call', { config: { access: { permission: P.walkIns } } }, async (req, reply) => {
    const body = parseInput(walkInCallSchema, req.body ?? {});
    const ticket = await callNext(ctx, body.site, body.language);
    return reply.redirect(`/staff/appointments/walk-ins?site=${body.site}&called=${ticket ? ticket.ticket : 'none'}`, 303);
  });

  app.post('/staff/appointments/walk-ins/:id/status', { config: { access: { permission: P.walkIns } } }, async (req, reply) => {
    const id = idOf(req);
    const body = parseInput(walkInStatusSchema, req.body ?? {});
    await setWalkInStatus(ctx, id, body.status);
    return reply.redirect(`/staff/appointments/walk-ins${body.site ? `?site=${body.site}` : ''}`, 303);
  });

  // --- Sites --------------------------------------------------------------------------------------------

  app.get('/staff/appointments/sites', { config: { access: { permission: P.sites } } }, async (req, reply) => {
    parseInput(plainQuerySchema, req.query);
    return reply.page(<SitesView ctx={reply.viewContext()} access={access(req)} sites={await listSitesForStaff(ctx)} languages={languages} />);
  });

  app.get('/staff/appointments/sites/new', { config: { access: { permission: P.sites } } }, async (req, reply) => {
    parseInput(plainQuerySchema, req.query);
    return reply.page(<SiteEditView ctx={reply.viewContext()} access={access(req)} languages={languages} services={listServices()} errors={[]} values={{}} tz={tz} />);
  });

  app.post('/staff/appointments/sites', { config: { access: { permission: P.sites } } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const form = parseInput(siteFormSchema, body);
      const id = await createSite(ctx, actor(req, P.sites), form);
      return reply.redirect(`/staff/appointments/sites/${id}?saved=details`, 303);
    } catch (err) {
      return reply.page(<SiteEditView ctx={reply.viewContext()} access={access(req)} languages={languages} services={listServices()} errors={errorsOf(err)} values={formListValues(body)} tz={tz} />, 422);
    }
  });

  async function renderSite(req: FastifyRequest, reply: FastifyReply, id: string, errors: FieldError[], values: Record<string, unknown>, saved?: string) {
    const site = await siteForStaff(ctx, id);
    return reply.page(
      <SiteEditView ctx={reply.viewContext()} access={access(req)} languages={languages} services={listServices()} site={site} errors={errors} values={values} saved={saved} tz={tz} />,
      errors.length > 0 ? 422 : 200,
    );
  }

  app.get('/staff/appointments/sites/:id', { config: { access: { permission: P.sites } } }, async (req, reply) => {
    const q = parseInput(siteQuerySchema, req.query);
    return renderSite(req, reply, idOf(req), [], {}, q.saved);
  });

  app.post('/staff/appointments/sites/:id', { config: { access: { permission: P.sites } } }, async (req, reply) => {
    const id = idOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await updateSite(ctx, actor(req, P.sites), id, parseInput(siteFormSchema, body));
    } catch (err) {
      return renderSite(req, reply, id, errorsOf(err), body);
    }
    return reply.redirect(`/staff/appointments/sites/${id}?saved=details`, 303);
  });

  app.post('/staff/appointments/sites/:id/hours', { config: { access: { permission: P.sites } } }, async (req, reply) => {
    const id = idOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await setHours(ctx, actor(req, P.sites), id, parseInput(hoursFormSchema, body));
    } catch (err) {
      return renderSite(req, reply, id, errorsOf(err), body);
    }
    return reply.redirect(`/staff/appointments/sites/${id}?saved=hours`, 303);
  });

  app.post('/staff/appointments/sites/:id/closures', { config: { access: { permission: P.sites } } }, async (req, reply) => {
    const id = idOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await addClosure(ctx, actor(req, P.sites), id, parseInput(closureFormSchema, body));
    } catch (err) {
      return renderSite(req, reply, id, errorsOf(err), body);
    }
    return reply.redirect(`/staff/appointments/sites/${id}?saved=closures`, 303);
  });

  app.post('/staff/appointments/sites/:id/closures/:closureId/delete', { config: { access: { permission: P.sites } } }, async (req, reply) => {
    const id = idOf(req);
    const closureId = idOf(req, 'closureId');
    parseInput(z.strictObject({ _csrf: z.string() }), req.body ?? {});
    await removeClosure(ctx, actor(req, P.sites), id, closureId);
    return reply.redirect(`/staff/appointments/sites/${id}?saved=closures`, 303);
  });

  app.post('/staff/appointments/sites/:id/services', { config: { access: { permission: P.sites } } }, async (req, reply) => {
    const id = idOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const form = parseInput(capacityFormSchema, body);
      await setServiceCapacity(ctx, actor(req, P.sites), id, { serviceId: form.service, capacity: form.capacity, active: form.active === '1' });
    } catch (err) {
      return renderSite(req, reply, id, errorsOf(err), body);
    }
    return reply.redirect(`/staff/appointments/sites/${id}?saved=services`, 303);
  });

  // --- Reports ------------------------------------------------------------------------------------------

  app.get('/staff/appointments/reports', { config: { access: { permission: P.reports } } }, async (req, reply) => {
    const q = parseInput(reportQuerySchema, req.query);
    const sites = await listSitesForStaff(ctx);
    if (q.site && !sites.some((s) => s.id === q.site)) throw new AppError('not_found');
    const report = await weeklyReport(ctx, { siteId: q.site, weeks: 12 });
    return reply.page(<ReportsView ctx={reply.viewContext()} access={access(req)} sites={sites} siteId={q.site} report={report} />);
  });
}
