/**
 * Booking the enrolment appointment of an application, through the appointments module's `api.ts`. The
 * person names the application by its reference code (a bearer secret, posted, never in a URL); the booking
 * is made for the application's own vault subject, so forgetting the application forgets the booking too, and
 * the reminder contact is sealed by the appointments module under that subject.
 */
import { inTransaction } from '../../../core/db/transaction.ts';
import { AppError } from '../../../core/http/errors.ts';
import type { Locale } from '../../../core/i18n/locales.ts';
import { localDate } from '../../../core/jurisdiction/index.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { type BookingResult, type BookingSummary, type Contact, MUNICIPAL_ID_ENROLMENT, type SiteAvailability, appointmentsApi } from '../../appointments/api.ts';
import { type ApplicationStatusRow, applicationRepo } from './application.repo.ts';
import { APPLICATION_RECORD, attachAppointment, findByReference } from './application.service.ts';

/** How many days ahead the booking page offers (the appointments service has its own, longer window). */
export const BOOKING_DAYS_AHEAD = 21;
/** Statuses in which an application may book (again, after a missed or cancelled appointment). */
const BOOKABLE: readonly string[] = ['received', 'appointment-booked'];
/** Booking statuses that still hold a seat. */
const ACTIVE: readonly string[] = ['booked', 'arrived'];

/** Where an application stands for booking. */
export type BookingState =
  | { kind: 'not-found' }
  | { kind: 'closed'; application: ApplicationStatusRow }
  | { kind: 'booked'; application: ApplicationStatusRow; booking: BookingSummary }
  | { kind: 'open'; application: ApplicationStatusRow };

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The application behind a reference code, and whether it can book now or already has an appointment. */
export async function bookingState(ctx: AppContext, reference: string): Promise<BookingState> {
  const application = await findByReference(ctx, reference);
  if (!application) return { kind: 'not-found' };
  if (application.appointment_id) {
    const booking = await appointmentsApi(ctx).getBookingById(application.appointment_id);
    if (booking && ACTIVE.includes(booking.status)) return { kind: 'booked', application, booking };
  }
  if (!BOOKABLE.includes(application.status)) return { kind: 'closed', application };
  return { kind: 'open', application };
}

/** Days with free enrolment slots per site, from today for {@link BOOKING_DAYS_AHEAD} days. */
export async function availableDays(ctx: AppContext): Promise<SiteAvailability[]> {
  const today = localDate(ctx.jurisdiction, ctx.now());
  const { sites } = await appointmentsApi(ctx).listAvailability({ service: MUNICIPAL_ID_ENROLMENT, from: today, to: addDays(today, BOOKING_DAYS_AHEAD) });
  return sites.map((s) => ({ ...s, days: s.days.filter((d) => d.slots.some((slot) => slot.free > 0)) })).filter((s) => s.days.length > 0);
}

/** The free slots of one site on one day (empty when the site or day has none). */
export async function availableTimes(ctx: AppContext, siteId: string, date: string): Promise<SiteAvailability | undefined> {
  const { sites } = await appointmentsApi(ctx).listAvailability({ service: MUNICIPAL_ID_ENROLMENT, siteId, from: date, to: date });
  const site = sites.find((s) => s.site.id === siteId);
  if (!site) return undefined;
  return { ...site, days: site.days.map((d) => ({ ...d, slots: d.slots.filter((slot) => slot.free > 0) })).filter((d) => d.slots.length > 0) };
}

/** A mobile number as E.164 for text reminders (the form accepted ten North American digits or `+…`). */
function e164(phone: string): string | undefined {
  const digits = phone.replace(/\D/g, '');
  if (phone.trim().startsWith('+')) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return undefined;
}

/**
 * Books the enrolment appointment of the application with this reference code, at `start` at `siteId`, in
 * one transaction with the application's change of status (so there is no booking without it, or the other way
 * round). Throws `not_found` for an unknown code, `conflict` when the application cannot book now or the slot
 * was just taken (the appointments module's error), `validation` for a time that cannot be booked.
 */
export async function bookEnrolment(ctx: AppContext, reference: string, slot: { siteId: string; start: string }): Promise<{ result: BookingResult; locale: Locale }> {
  const state = await bookingState(ctx, reference);
  if (state.kind === 'not-found') throw new AppError('not_found');
  if (state.kind !== 'open') throw new AppError('conflict', { messageKey: 'municipalId.error.wrongStatus' });
  const id = state.application.id;
  // The site's languages decide whether the person's language can be asked for at this site.
  const date = localDate(ctx.jurisdiction, new Date(slot.start));
  const site = Number.isNaN(new Date(slot.start).getTime()) ? undefined : await availableTimes(ctx, slot.siteId, date);
  const language = site?.site.languages.includes(state.application.language) ? state.application.language : undefined;
  return inTransaction(ctx.db, async (tx) => {
    const row = await applicationRepo.findById(tx, id);
    if (!row || !BOOKABLE.includes(row.status)) throw new AppError('conflict', { messageKey: 'municipalId.error.wrongStatus' });
    let contact: Contact | undefined;
    if (row.contact_sealed && (row.contact_method === 'email' || row.contact_method === 'text')) {
      const value = await ctx.vault.open(id, row.contact_sealed, { table: 'id_applications', column: 'contact_sealed', rowId: id });
      const normalized = row.contact_method === 'email' ? value : e164(value);
      if (normalized) contact = { channel: row.contact_method === 'email' ? 'email' : 'sms', value: normalized };
    }
    const locale = row.form_locale as Locale;
    const result = await appointmentsApi(ctx).book(tx, {
      service: MUNICIPAL_ID_ENROLMENT,
      siteId: slot.siteId,
      start: slot.start,
      locale,
      ...(language ? { language } : {}),
      ...(contact ? { contact } : {}),
      subjectId: id,
      purposeRef: `${APPLICATION_RECORD}:${id}`,
      actor: { userId: null, role: 'resident' },
    });
    await attachAppointment(ctx, tx, id, result.bookingId, { userId: null, role: 'resident' });
    return { result, locale };
  });
}
