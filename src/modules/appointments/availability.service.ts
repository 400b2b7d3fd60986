/**
 * Availability: which slots of which sites still have a free seat. Computed from opening hours on every
 * request (nothing pre-stored), minus the seats taken in `appointment_slot_counters`.
 */
import type { Executor } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import { localDate } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { type ResolvedService, findService } from './appointments.services.ts';
import { bookingsRepo } from './bookings.repo.ts';
import { type SiteView, dayRules, loadSites, offerAt } from './site-rules.ts';
import { type ClosedReason, type Slot, closedReason, datesBetween, slotsOfDay } from './slots.ts';
import { addDays, localDateOf, zonedToUtc } from './zoned-time.ts';

/** One slot with its seats. */
export interface SlotAvailability {
  /** ISO instants (UTC). */
  start: string;
  end: string;
  capacity: number;
  booked: number;
  free: number;
}

/** One day at one site. */
export interface DayAvailability {
  date: string;
  slots: SlotAvailability[];
  /** Set when the site is closed that day (only with `includeClosed`). */
  closed?: ClosedReason;
}

/** The days of one site. */
export interface SiteAvailability {
  site: SiteView;
  days: DayAvailability[];
}

/** A question to {@link listAvailability}. */
export interface AvailabilityQuery {
  service: string;
  siteId?: string;
  /** Local dates `YYYY-MM-DD`, inclusive; clamped to today … today + the service's booking window. */
  from: string;
  to: string;
  /** Also list slots with no free seat (staff views). Default: only free ones. */
  includeFull?: boolean;
  /** Also list days without slots, with the reason (staff views). */
  includeClosed?: boolean;
}

/** The bookable range of a service as of `now`: from today to today + its window, and the earliest start. */
export function bookingWindow(ctx: AppContext, service: ResolvedService, now: Date = ctx.now()): { today: string; lastDay: string; earliest: Date } {
  const today = localDate(ctx.jurisdiction, now);
  return { today, lastDay: addDays(today, service.bookingWindowDays), earliest: new Date(now.getTime() + service.minNoticeMinutes * 60_000) };
}

/** A declared service, or `not_found`. */
export function requireService(id: string): ResolvedService {
  const service = findService(id);
  if (!service) throw new AppError('not_found');
  return service;
}

/**
 * Free slots of a service, per site and day. Sites that do not offer the service (or are inactive) are left
 * out; a day without any free slot is left out unless `includeClosed`/`includeFull` ask for it.
 */
export async function listAvailability(
  ctx: AppContext,
  query: AvailabilityQuery,
  db: Executor = ctx.db.kysely,
): Promise<{ service: ResolvedService; sites: SiteAvailability[] }> {
  const service = requireService(query.service);
  const now = ctx.now();
  const window = bookingWindow(ctx, service, now);
  const from = query.from < window.today ? window.today : query.from;
  const to = query.to > window.lastDay ? window.lastDay : query.to;
  const sites = (await loadSites(db, { activeOnly: true, fromDate: from, ids: query.siteId ? [query.siteId] : undefined })).filter(
    (s) => offerAt(s, service.id) !== null,
  );
  if (sites.length === 0 || from > to) return { service, sites: sites.map((site) => ({ site, days: [] })) };
  const tz = ctx.jurisdiction.locale.timezone.value;
  const fromIso = (zonedToUtc(tz, from, 0) ?? new Date(`${from}T00:00:00Z`)).toISOString();
  const toIso = (zonedToUtc(tz, addDays(to, 1), 0) ?? new Date(`${addDays(to, 1)}T00:00:00Z`)).toISOString();
  const counters = await bookingsRepo.countersBetween(db, service.id, sites.map((s) => s.id), fromIso, toIso);
  const taken = new Map(counters.map((c) => [`${c.site_id}|${c.starts_at}`, c]));
  const dates = datesBetween(from, to);
  return {
    service,
    sites: sites.map((site) => {
      const rules = dayRules(ctx, site, service);
      const capacity = offerAt(site, service.id)?.capacity ?? 0;
      const days: DayAvailability[] = [];
      for (const date of dates) {
        const reason = closedReason(rules, date);
        const slots = slotsOfDay(rules, date)
          .filter((s) => s.start >= window.earliest)
          .map((s) => seats(s, taken.get(`${site.id}|${s.start.toISOString()}`), capacity))
          .filter((s) => query.includeFull || s.free > 0);
        if (slots.length > 0 || (query.includeClosed && reason)) days.push({ date, slots, ...(reason ? { closed: reason } : {}) });
      }
      return { site, days };
    }),
  };
}

function seats(slot: Slot, counter: { capacity: number; booked: number } | undefined, capacity: number): SlotAvailability {
  const cap = counter?.capacity ?? capacity;
  const booked = counter?.booked ?? 0;
  return { start: slot.start.toISOString(), end: slot.end.toISOString(), capacity: cap, booked, free: Math.max(0, cap - booked) };
}

/** A bookable slot, checked. */
export interface CheckedSlot {
  service: ResolvedService;
  site: SiteView;
  slot: Slot;
  /** The local date of the slot. */
  date: string;
  /** Seats per slot at this site for this service now. */
  capacity: number;
}

/**
 * Checks that `start` is a slot residents may book now: a declared service offered at an active site, on the
 * slot grid of an open day, not too soon and not beyond the booking window. Throws a translated error
 * otherwise (`not_found` for an unknown service or site, `validation` for a bad time).
 */
export async function checkSlot(
  ctx: AppContext,
  db: Executor,
  input: { serviceId: string; siteId: string; start: Date; ignoreWindow?: boolean },
): Promise<CheckedSlot> {
  const service = requireService(input.serviceId);
  const now = ctx.now();
  const window = bookingWindow(ctx, service, now);
  const [site] = await loadSites(db, { ids: [input.siteId], activeOnly: true, fromDate: window.today });
  const offer = site ? offerAt(site, service.id) : null;
  if (!site || !offer) throw new AppError('not_found');
  const invalid = (key: string) => new AppError('validation', { fields: [{ field: 'start', key }] });
  if (Number.isNaN(input.start.getTime())) throw invalid('appointments.error.start');
  const date = localDateOf(ctx.jurisdiction.locale.timezone.value, input.start);
  const slot = slotsOfDay(dayRules(ctx, site, service), date).find((s) => s.start.getTime() === input.start.getTime());
  if (!slot) throw invalid('appointments.error.start');
  if (!input.ignoreWindow) {
    if (slot.start < window.earliest) throw invalid('appointments.error.tooSoon');
    if (date > window.lastDay) throw invalid('appointments.error.tooFar');
  }
  return { service, site, slot, date, capacity: offer.capacity };
}
