/**
 * What other modules may use of the appointments module (the only file they import). The municipal-ID
 * application books its enrolment appointment here; the clinics program declares its own services and books
 * them the same way. See `docs/appointments.md`.
 *
 * ```ts
 * import { MUNICIPAL_ID_ENROLMENT, appointmentsApi } from '../appointments/api.ts';
 * const appointments = appointmentsApi(ctx);
 * const { sites } = await appointments.listAvailability({ service: MUNICIPAL_ID_ENROLMENT, from: '2026-12-01', to: '2026-12-14' });
 * const booking = await appointments.book(tx, { service: MUNICIPAL_ID_ENROLMENT, siteId, start, locale: 'so', subjectId, purposeRef: `municipal-id.application:${id}` });
 * ```
 */
import type { Tx } from '../../core/db/transaction.ts';
import type { Locale } from '../../core/i18n/locales.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { type AvailabilityQuery, type SiteAvailability, listAvailability } from './availability.service.ts';
import type { ResolvedService } from './appointments.services.ts';
import {
  type BookInput,
  type BookingResult,
  type BookingSummary,
  type BookingTarget,
  book,
  cancel,
  getBooking,
  getBookingById,
  icsFor,
  markNoShow,
  reschedule,
  todaysAppointments,
} from './bookings.service.ts';
import type { Actor } from './site-rules.ts';
import { type WeeklyReport, weeklyReport } from './reports.service.ts';

export { MUNICIPAL_ID_ENROLMENT, ServiceDefinitionError, findService, listServices, registerService, type ServiceDefinition } from './appointments.services.ts';
export type { AvailabilityQuery, DayAvailability, SiteAvailability, SlotAvailability } from './availability.service.ts';
export type { BookInput, BookingResult, BookingSummary, BookingTarget } from './bookings.service.ts';
export type { Contact } from './appointments.schemas.ts';
export type { Actor, SitePlace, SiteView, StaffActor } from './site-rules.ts';
export type { WeeklyReport } from './reports.service.ts';

/** The appointments capability bound to the application context. */
export interface AppointmentsApi {
  /** Free slots of a service per site and day, from `from` to `to` (local dates, clamped to the booking window). */
  listAvailability(query: AvailabilityQuery): Promise<{ service: ResolvedService; sites: SiteAvailability[] }>;
  /**
   * Books a seat, in the caller's transaction when given (call it before your own audit writes). Throws
   * `AppError('conflict')` when the slot is full, `validation` for a time that cannot be booked, `not_found`
   * for an unknown service or site.
   */
  book(input: ApiBookInput): Promise<BookingResult>;
  book(tx: Tx, input: ApiBookInput): Promise<BookingResult>;
  /** Cancels by reference code or booking id; the seat goes to the waiting list. */
  cancel(target: string | BookingTarget, actor?: Actor): Promise<BookingSummary>;
  /** Moves a booking to another slot of the same site and service. */
  reschedule(target: string | BookingTarget, start: string | Date, actor?: Actor): Promise<BookingSummary>;
  /** A booking by reference code, without personal values; `null` if unknown. */
  getBooking(reference: string): Promise<BookingSummary | null>;
  /** A booking by id, without personal values; `null` if unknown. */
  getBookingById(bookingId: string): Promise<BookingSummary | null>;
  /** Marks a no-show (the seat goes back). */
  markNoShow(bookingId: string, actor: Actor): Promise<BookingSummary>;
  /** A site's appointments of a day (default today), without personal values. */
  todaysAppointments(siteId: string, date?: string): Promise<BookingSummary[]>;
  /** The booking's RFC 5545 calendar file in `locale`. */
  icsFor(bookingId: string, locale: Locale): Promise<string>;
  /** Suppressed weekly figures (appointments, served, no-shows, cancellations, walk-ins, waits). */
  weeklyReport(options?: { siteId?: string; weeks?: number }): Promise<WeeklyReport>;
}

/** {@link BookInput} as other modules pass it: what the booking is for, and who books (default: the resident, through your form). */
export type ApiBookInput = BookInput & { purposeRef: string; actor?: Actor };

const SYSTEM: Actor = { userId: null, role: 'system' };
const RESIDENT: Actor = { userId: null, role: 'resident' };

function target(t: string | BookingTarget): BookingTarget {
  return typeof t === 'string' ? { reference: t } : t;
}

/** Binds the appointments capability to `ctx`. */
export function appointmentsApi(ctx: AppContext): AppointmentsApi {
  return {
    listAvailability: (query) => listAvailability(ctx, query),
    book: ((a: Tx | ApiBookInput, b?: ApiBookInput) => {
      const [tx, input] = b ? [a as Tx, b] : [undefined, a as ApiBookInput];
      const { actor, ...rest } = input;
      return book(ctx, rest, tx, actor ?? RESIDENT);
    }),
    cancel: (t, actor = SYSTEM) => cancel(ctx, target(t), actor),
    reschedule: (t, start, actor = SYSTEM) => reschedule(ctx, target(t), { start }, actor),
    getBooking: (reference) => getBooking(ctx, reference),
    getBookingById: (id) => getBookingById(ctx, id),
    markNoShow: (id, actor) => markNoShow(ctx, actor, id),
    todaysAppointments: (siteId, date) => todaysAppointments(ctx, siteId, date),
    icsFor: (id, locale) => icsFor(ctx, id, locale),
    weeklyReport: (options) => weeklyReport(ctx, options),
  };
}
