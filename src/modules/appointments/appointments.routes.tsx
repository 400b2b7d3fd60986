/**
 * The public pages of appointments: book without an account, see the confirmation, add it to a calendar,
 * manage it with the reference code, join the waiting list, claim an offered seat, and the "now serving"
 * display. Every page works without JavaScript; choices are links and radio buttons. Submissions use the
 * strict rate limit. The reference code never appears in a URL: after booking, a short-lived receipt cookie
 * shows the confirmation; after typing the code, a short-lived manage cookie opens the booking.
 *
 * | method | path | what |
 * |---|---|---|
 * | GET | `/appointments` | the services residents can book |
 * | GET | `/appointments/book/:service` | sites offering it |
 * | GET | `/appointments/book/:service/:siteId` | days with free times (next weeks) |
 * | GET, POST | `/appointments/book/:service/:siteId/:date` | times, language, contact → book |
 * | GET, POST | `/appointments/book/:service/:siteId/waitlist` | join the waiting list |
 * | GET | `/appointments/confirmation`, `…/appointment.ics` | after booking (receipt cookie) |
 * | GET | `/appointments/waitlist/confirmation` | after joining the list |
 * | GET, POST | `/appointments/manage` | enter the reference code |
 * | GET | `/appointments/manage/booking`, `…/appointment.ics` | the booking (manage cookie) |
 * | GET, POST | `/appointments/manage/cancel` | cancel |
 * | GET | `/appointments/manage/reschedule`, GET, POST `…/:date` | move to another time |
 * | GET | `/appointments/manage/waitlist`, POST `…/leave` | the waiting-list entry |
 * | POST | `/appointments/manage/done` | forget the manage cookie |
 * | GET, POST | `/appointments/claim/:token` | an offered seat: take it or let it go |
 * | GET | `/appointments/sites/:siteId/now-serving` | walk-in display (numbers only) |
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type FieldError } from '../../core/http/errors.ts';
import { parseInput } from '../../core/http/validate.ts';
import { localDate } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { type SiteAvailability, bookingWindow, listAvailability, requireService } from './availability.service.ts';
import { findService, listServices, serviceMessageKeys } from './appointments.services.ts';
import {
  bookingFormSchema,
  claimSchema,
  confirmSchema,
  dateParam,
  idParam,
  manageCodeSchema,
  publicQuerySchema,
  rescheduleFormSchema,
  serviceParam,
  waitlistFormSchema,
} from './appointments.schemas.ts';
import { book, cancel, getBookingById, icsFor, reschedule } from './bookings.service.ts';
import { sendCalendarFile } from './calendar-download.ts';
import { findByCode, issueManagePass, issueReceipt, readManagePass, readReceipt } from './resident-access.service.ts';
import { registerStaffRoutes } from './appointments-staff.routes.tsx';
import { listActiveSites } from './sites.service.ts';
import { claimOffer, declineOffer, getWaitlistEntryById, joinWaitlist, leaveWaitlist, offerByToken } from './waitlist.service.ts';
import { nowServing } from './walkins.service.ts';
import { loadSite, offerAt } from './site-rules.ts';
import {
  BookingPage,
  CancelPage,
  ClaimDeclinedPage,
  ClaimPage,
  ConfirmationPage,
  DaysPage,
  ManageCodePage,
  NowServingPage,
  ServicesPage,
  SitesPage,
  TimesPage,
  WaitlistConfirmationPage,
  WaitlistFormPage,
  WaitlistPage,
} from './views/public.views.tsx';

export const RECEIPT_COOKIE = '__Host-appt-receipt';
export const MANAGE_COOKIE = '__Host-appt-manage';

const PUBLIC = { access: 'public' } as const;
const SUBMIT = { access: 'public', strictRateLimit: true } as const;

const manageQuerySchema = z.strictObject({ changed: z.enum(['cancelled', 'rescheduled']).optional(), lang: z.string().max(10).optional() });
const codeQuerySchema = z.strictObject({ left: z.literal('1').optional(), expired: z.literal('1').optional(), lang: z.string().max(10).optional() });

function setCookie(reply: FastifyReply, name: string, value: string, maxAgeSeconds: number): void {
  reply.setCookie(name, value, { path: '/', secure: true, httpOnly: true, sameSite: 'lax', maxAge: maxAgeSeconds });
}

function clearCookie(reply: FastifyReply, name: string): void {
  reply.clearCookie(name, { path: '/', secure: true, httpOnly: true, sameSite: 'lax' });
}

/** Path parameters, or `not_found` for anything that is not one of ours. */
function params(req: FastifyRequest): { service?: string; siteId?: string; date?: string; token?: string } {
  const p = req.params as Record<string, string>;
  const out: { service?: string; siteId?: string; date?: string; token?: string } = {};
  if (p.service !== undefined) {
    if (!serviceParam.safeParse(p.service).success || !findService(p.service)?.publicBooking) throw new AppError('not_found');
    out.service = p.service;
  }
  if (p.siteId !== undefined) {
    if (!idParam.safeParse(p.siteId).success) throw new AppError('not_found');
    out.siteId = p.siteId;
  }
  if (p.date !== undefined) {
    if (!dateParam.safeParse(p.date).success) throw new AppError('not_found');
    out.date = p.date;
  }
  if (p.token !== undefined) out.token = p.token;
  return out;
}

/** The field errors of a validation or conflict error thrown by a service, or rethrows anything else. */
function formErrors(err: unknown): { errors: FieldError[]; status: number } {
  if (err instanceof AppError && (err.code === 'validation' || err.code === 'conflict')) {
    const errors = err.fields.length > 0 ? err.fields : [{ field: 'start', key: err.messageKey ?? 'appointments.error.slotTaken' }];
    return { errors, status: err.status };
  }
  throw err;
}

/** Registers the public pages, then the staff pages. */
export async function registerAppointmentRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Every declared service must be translatable before a resident sees it.
  const missing = serviceMessageKeys().filter((k) => !ctx.messages.has(k));
  if (missing.length > 0) throw new Error(`appointment services use message keys missing from the catalogs: ${missing.join(', ')}`);
  const tz = ctx.jurisdiction.locale.timezone.value;
  const languages = ctx.jurisdiction.locale.languages.value;

  /** The free days of a site for a service (the whole window), or `not_found`. */
  async function siteDays(service: string, siteId: string): Promise<SiteAvailability> {
    const s = requireService(service);
    const window = bookingWindow(ctx, s);
    const { sites } = await listAvailability(ctx, { service, siteId, from: window.today, to: window.lastDay });
    const found = sites[0];
    if (!found) throw new AppError('not_found');
    return found;
  }

  /** One day of a site for a service (free times only), or `not_found` for a day outside the window. */
  async function siteDay(service: string, siteId: string, date: string) {
    const s = requireService(service);
    const window = bookingWindow(ctx, s);
    if (date < window.today || date > window.lastDay) throw new AppError('not_found');
    const { sites } = await listAvailability(ctx, { service, siteId, from: date, to: date });
    const found = sites[0];
    if (!found) throw new AppError('not_found');
    return { site: found.site, slots: found.days[0]?.slots ?? [], service: s };
  }

  app.get('/appointments', { config: PUBLIC }, async (req, reply) => {
    parseInput(publicQuerySchema, req.query);
    const sites = await listActiveSites(ctx);
    const services = listServices()
      .filter((s) => s.publicBooking)
      .map((service) => ({ service, sites: sites.filter((site) => offerAt(site, service.id) !== null).length }))
      .filter((s) => s.sites > 0);
    return reply.page(<ServicesPage ctx={reply.viewContext()} services={services} />);
  });

  app.get('/appointments/book/:service', { config: PUBLIC }, async (req, reply) => {
    const { service } = params(req);
    parseInput(publicQuerySchema, req.query);
    const s = requireService(service ?? '');
    const sites = (await listActiveSites(ctx)).filter((site) => offerAt(site, s.id) !== null);
    if (sites.length === 0) throw new AppError('not_found');
    return reply.page(<SitesPage ctx={reply.viewContext()} service={s} sites={sites} languages={languages} tz={tz} />);
  });

  app.get('/appointments/book/:service/:siteId', { config: PUBLIC }, async (req, reply) => {
    const { service, siteId } = params(req);
    parseInput(publicQuerySchema, req.query);
    const availability = await siteDays(service ?? '', siteId ?? '');
    const s = requireService(service ?? '');
    return reply.page(<DaysPage ctx={reply.viewContext()} service={s} availability={availability} languages={languages} mode="book" />);
  });

  app.get('/appointments/book/:service/:siteId/waitlist', { config: PUBLIC }, async (req, reply) => {
    const { service, siteId } = params(req);
    parseInput(publicQuerySchema, req.query);
    const s = requireService(service ?? '');
    const site = await loadSite(ctx, siteId ?? '');
    if (!site || !site.active || !offerAt(site, s.id)) throw new AppError('not_found');
    const window = bookingWindow(ctx, s);
    return reply.page(<WaitlistFormPage ctx={reply.viewContext()} service={s} site={site} languages={languages} window={window} errors={[]} values={{}} />);
  });

  app.post('/appointments/book/:service/:siteId/waitlist', { config: SUBMIT }, async (req, reply) => {
    const { service, siteId } = params(req);
    const s = requireService(service ?? '');
    const site = await loadSite(ctx, siteId ?? '');
    if (!site || !site.active || !offerAt(site, s.id)) throw new AppError('not_found');
    const window = bookingWindow(ctx, s);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const form = parseInput(waitlistFormSchema, body);
      const { entryId, reference } = await joinWaitlist(ctx, { service: s.id, siteId: site.id, ...form, locale: req.locale, requestId: req.id });
      setCookie(reply, RECEIPT_COOKIE, issueReceipt(ctx, 'w', entryId, reference), 3600);
      return reply.redirect('/appointments/waitlist/confirmation', 303);
    } catch (err) {
      const { errors } = formErrors(err);
      return reply.page(<WaitlistFormPage ctx={reply.viewContext()} service={s} site={site} languages={languages} window={window} errors={errors} values={stringValues(body)} />, 422);
    }
  });

  app.get('/appointments/book/:service/:siteId/:date', { config: PUBLIC }, async (req, reply) => {
    const { service, siteId, date } = params(req);
    parseInput(publicQuerySchema, req.query);
    const day = await siteDay(service ?? '', siteId ?? '', date ?? '');
    return reply.page(<BookingPage ctx={reply.viewContext()} {...day} date={date ?? ''} tz={tz} languages={languages} errors={[]} values={{}} action={`/appointments/book/${day.service.id}/${day.site.id}/${date}`} />);
  });

  app.post('/appointments/book/:service/:siteId/:date', { config: SUBMIT }, async (req, reply) => {
    const { service, siteId, date } = params(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const form = parseInput(bookingFormSchema, body);
      const result = await book(ctx, { service: service ?? '', siteId: siteId ?? '', start: form.start, locale: req.locale, language: form.language, contact: form.contact }, undefined, {
        userId: null,
        role: 'resident',
        requestId: req.id,
      });
      setCookie(reply, RECEIPT_COOKIE, issueReceipt(ctx, 'b', result.bookingId, result.reference), 3600);
      return reply.redirect('/appointments/confirmation', 303);
    } catch (err) {
      const { errors, status } = formErrors(err);
      const day = await siteDay(service ?? '', siteId ?? '', date ?? '');
      return reply.page(
        <BookingPage ctx={reply.viewContext()} {...day} date={date ?? ''} tz={tz} languages={languages} errors={errors} values={stringValues(body)} action={`/appointments/book/${day.service.id}/${day.site.id}/${date}`} />,
        status,
      );
    }
  });

  app.get('/appointments/confirmation', { config: PUBLIC }, async (req, reply) => {
    parseInput(publicQuerySchema, req.query);
    const receipt = readReceipt(ctx, req.cookies[RECEIPT_COOKIE]);
    const booking = receipt?.kind === 'b' ? await getBookingById(ctx, receipt.id) : null;
    if (!receipt || !booking) throw new AppError('gone', { messageKey: 'appointments.error.receiptGone' });
    return reply.page(<ConfirmationPage ctx={reply.viewContext()} booking={booking} reference={receipt.reference} tz={tz} languages={languages} icsHref="/appointments/confirmation/appointment.ics" />);
  });

  app.get('/appointments/confirmation/appointment.ics', { config: PUBLIC }, async (req, reply) => {
    const receipt = readReceipt(ctx, req.cookies[RECEIPT_COOKIE]);
    if (!receipt || receipt.kind !== 'b') throw new AppError('gone', { messageKey: 'appointments.error.receiptGone' });
    return sendCalendarFile(reply, await icsFor(ctx, receipt.id, req.locale));
  });

  app.get('/appointments/waitlist/confirmation', { config: PUBLIC }, async (req, reply) => {
    parseInput(publicQuerySchema, req.query);
    const receipt = readReceipt(ctx, req.cookies[RECEIPT_COOKIE]);
    const entry = receipt?.kind === 'w' ? await getWaitlistEntryById(ctx, receipt.id) : null;
    if (!receipt || !entry) throw new AppError('gone', { messageKey: 'appointments.error.receiptGone' });
    return reply.page(<WaitlistConfirmationPage ctx={reply.viewContext()} entry={entry} reference={receipt.reference} languages={languages} />);
  });

  // --- Manage by reference code -------------------------------------------------------------------------

  app.get('/appointments/manage', { config: PUBLIC }, async (req, reply) => {
    const q = parseInput(codeQuerySchema, req.query);
    return reply.page(<ManageCodePage ctx={reply.viewContext()} errors={[]} value="" notice={q.left ? 'left' : q.expired ? 'expired' : undefined} />);
  });

  app.post('/appointments/manage', { config: SUBMIT }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const value = typeof body.code === 'string' ? body.code.slice(0, 40) : '';
    let code: string;
    try {
      code = parseInput(manageCodeSchema, body).code;
    } catch (err) {
      const { errors } = formErrors(err);
      return reply.page(<ManageCodePage ctx={reply.viewContext()} errors={errors} value={value} />, 422);
    }
    const found = await findByCode(ctx, code);
    if (!found) {
      return reply.page(<ManageCodePage ctx={reply.viewContext()} errors={[{ field: 'code', key: 'appointments.error.codeUnknown' }]} value={value} />, 404);
    }
    setCookie(reply, MANAGE_COOKIE, issueManagePass(ctx, found.kind, found.id), 1800);
    return reply.redirect(found.kind === 'b' ? '/appointments/manage/booking' : '/appointments/manage/waitlist', 303);
  });

  /** The booking the manage cookie opens, or a redirect to the code page. */
  function managedId(req: FastifyRequest, kind: 'b' | 'w'): string | null {
    const pass = readManagePass(ctx, req.cookies[MANAGE_COOKIE]);
    return pass?.kind === kind ? pass.id : null;
  }
  const toCodePage = (reply: FastifyReply) => reply.redirect('/appointments/manage?expired=1', 303);

  app.get('/appointments/manage/booking', { config: PUBLIC }, async (req, reply) => {
    const q = parseInput(manageQuerySchema, req.query);
    const id = managedId(req, 'b');
    const booking = id ? await getBookingById(ctx, id) : null;
    if (!booking) return toCodePage(reply);
    return reply.page(
      <ConfirmationPage ctx={reply.viewContext()} booking={booking} tz={tz} languages={languages} icsHref="/appointments/manage/booking/appointment.ics" manage={{ changed: q.changed, now: ctx.now().toISOString() }} />,
    );
  });

  app.get('/appointments/manage/booking/appointment.ics', { config: PUBLIC }, async (req, reply) => {
    const id = managedId(req, 'b');
    if (!id) return toCodePage(reply);
    return sendCalendarFile(reply, await icsFor(ctx, id, req.locale));
  });

  app.get('/appointments/manage/cancel', { config: PUBLIC }, async (req, reply) => {
    parseInput(publicQuerySchema, req.query);
    const id = managedId(req, 'b');
    const booking = id ? await getBookingById(ctx, id) : null;
    if (!booking) return toCodePage(reply);
    return reply.page(<CancelPage ctx={reply.viewContext()} booking={booking} tz={tz} errors={[]} />);
  });

  app.post('/appointments/manage/cancel', { config: SUBMIT }, async (req, reply) => {
    parseInput(confirmSchema, req.body ?? {});
    const id = managedId(req, 'b');
    if (!id) return toCodePage(reply);
    try {
      await cancel(ctx, { bookingId: id }, { userId: null, role: 'resident', requestId: req.id });
    } catch (err) {
      const { errors, status } = formErrors(err);
      const booking = await getBookingById(ctx, id);
      if (!booking) return toCodePage(reply);
      return reply.page(<CancelPage ctx={reply.viewContext()} booking={booking} tz={tz} errors={errors.map((e) => ({ ...e, field: 'cancel' }))} />, status);
    }
    return reply.redirect('/appointments/manage/booking?changed=cancelled', 303);
  });

  app.get('/appointments/manage/reschedule', { config: PUBLIC }, async (req, reply) => {
    parseInput(publicQuerySchema, req.query);
    const id = managedId(req, 'b');
    const booking = id ? await getBookingById(ctx, id) : null;
    if (!booking) return toCodePage(reply);
    if (booking.status !== 'booked') return reply.redirect('/appointments/manage/booking', 303);
    const availability = await siteDaysAny(booking.service, booking.site.id);
    return reply.page(<DaysPage ctx={reply.viewContext()} service={requireService(booking.service)} availability={availability} languages={languages} mode="reschedule" />);
  });

  /** Days of a site for a service that may not be publicly bookable (rescheduling another module's booking). */
  async function siteDaysAny(service: string, siteId: string): Promise<SiteAvailability> {
    const s = requireService(service);
    const window = bookingWindow(ctx, s);
    const { sites } = await listAvailability(ctx, { service, siteId, from: window.today, to: window.lastDay });
    return sites[0] ?? { site: (await loadSite(ctx, siteId)) ?? notFound(), days: [] };
  }

  async function rescheduleDay(bookingId: string, date: string) {
    const booking = await getBookingById(ctx, bookingId);
    if (!booking) return null;
    const s = requireService(booking.service);
    const window = bookingWindow(ctx, s);
    if (date < window.today || date > window.lastDay) throw new AppError('not_found');
    const { sites } = await listAvailability(ctx, { service: s.id, siteId: booking.site.id, from: date, to: date });
    const site = sites[0]?.site ?? (await loadSite(ctx, booking.site.id));
    if (!site) throw new AppError('not_found');
    return { booking, service: s, site, slots: sites[0]?.days[0]?.slots ?? [] };
  }

  app.get('/appointments/manage/reschedule/:date', { config: PUBLIC }, async (req, reply) => {
    const date = dateParam.safeParse((req.params as { date: string }).date);
    if (!date.success) throw new AppError('not_found');
    parseInput(publicQuerySchema, req.query);
    const id = managedId(req, 'b');
    const day = id ? await rescheduleDay(id, date.data) : null;
    if (!day) return toCodePage(reply);
    return reply.page(<TimesPage ctx={reply.viewContext()} {...day} date={date.data} tz={tz} errors={[]} values={{}} action={`/appointments/manage/reschedule/${date.data}`} />);
  });

  app.post('/appointments/manage/reschedule/:date', { config: SUBMIT }, async (req, reply) => {
    const date = dateParam.safeParse((req.params as { date: string }).date);
    if (!date.success) throw new AppError('not_found');
    const id = managedId(req, 'b');
    if (!id) return toCodePage(reply);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const form = parseInput(rescheduleFormSchema, body);
      await reschedule(ctx, { bookingId: id }, { start: form.start }, { userId: null, role: 'resident', requestId: req.id });
    } catch (err) {
      const { errors, status } = formErrors(err);
      const day = await rescheduleDay(id, date.data);
      if (!day) return toCodePage(reply);
      return reply.page(<TimesPage ctx={reply.viewContext()} {...day} date={date.data} tz={tz} errors={errors} values={stringValues(body)} action={`/appointments/manage/reschedule/${date.data}`} />, status);
    }
    return reply.redirect('/appointments/manage/booking?changed=rescheduled', 303);
  });

  app.get('/appointments/manage/waitlist', { config: PUBLIC }, async (req, reply) => {
    parseInput(publicQuerySchema, req.query);
    const id = managedId(req, 'w');
    const entry = id ? await getWaitlistEntryById(ctx, id) : null;
    if (!entry) return toCodePage(reply);
    return reply.page(<WaitlistPage ctx={reply.viewContext()} entry={entry} tz={tz} languages={languages} />);
  });

  app.post('/appointments/manage/waitlist/leave', { config: SUBMIT }, async (req, reply) => {
    parseInput(confirmSchema, req.body ?? {});
    const id = managedId(req, 'w');
    if (!id) return toCodePage(reply);
    await leaveWaitlist(ctx, id, req.id);
    clearCookie(reply, MANAGE_COOKIE);
    return reply.redirect('/appointments/manage?left=1', 303);
  });

  app.post('/appointments/manage/done', { config: SUBMIT }, async (req, reply) => {
    parseInput(confirmSchema, req.body ?? {});
    clearCookie(reply, MANAGE_COOKIE);
    clearCookie(reply, RECEIPT_COOKIE);
    return reply.redirect('/appointments', 303);
  });

  // --- Waiting-list offers ------------------------------------------------------------------------------

  app.get('/appointments/claim/declined', { config: PUBLIC }, async (req, reply) => {
    parseInput(publicQuerySchema, req.query);
    return reply.page(<ClaimDeclinedPage ctx={reply.viewContext()} />);
  });

  app.get('/appointments/claim/:token', { config: PUBLIC }, async (req, reply) => {
    const { token } = params(req);
    parseInput(publicQuerySchema, req.query);
    const offer = await offerByToken(ctx, token ?? '');
    if (!offer) throw new AppError('gone', { messageKey: 'appointments.error.offerGone' });
    return reply.page(<ClaimPage ctx={reply.viewContext()} offer={offer} tz={tz} errors={[]} />);
  });

  app.post('/appointments/claim/:token', { config: SUBMIT }, async (req, reply) => {
    const { token } = params(req);
    const body = parseInput(claimSchema, req.body ?? {});
    if (body.decision === 'decline') {
      await declineOffer(ctx, token ?? '');
      return reply.redirect('/appointments/claim/declined', 303);
    }
    const result = await claimOffer(ctx, token ?? '', req.id);
    setCookie(reply, RECEIPT_COOKIE, issueReceipt(ctx, 'b', result.bookingId, result.reference), 3600);
    return reply.redirect('/appointments/confirmation', 303);
  });

  // --- Walk-in display ----------------------------------------------------------------------------------

  app.get('/appointments/sites/:siteId/now-serving', { config: PUBLIC }, async (req, reply) => {
    const { siteId } = params(req);
    parseInput(publicQuerySchema, req.query);
    const site = await loadSite(ctx, siteId ?? '');
    if (!site || !site.active) throw new AppError('not_found');
    const serving = await nowServing(ctx, site.id);
    return reply.page(<NowServingPage ctx={reply.viewContext()} site={site} serving={serving} today={localDate(ctx.jurisdiction, ctx.now())} />);
  });

  await registerStaffRoutes(app, ctx);
}

function notFound(): never {
  throw new AppError('not_found');
}

/** The string fields of a posted form, to put back into the inputs after an error. */
function stringValues(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '_csrf'));
}

