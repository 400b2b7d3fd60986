/**
 * Booking use cases: book a seat, cancel, reschedule, staff status changes, look-ups, the `.ics` file and
 * reminders.
 *
 * Overbooking is impossible because a booking first takes a seat with one conditional update of the slot's
 * counter (`bookings.repo.ts#takeSeat`) inside its transaction; if no seat is left the transaction stops
 * before anything else is written. The contact for reminders is sealed under the booking's vault subject
 * (its own, or the caller's when another module books for one of its subjects); the reference code is kept
 * only as a keyed blind index. Every change and every decrypting read is audited in its transaction.
 */
import { isDottedCode } from '../../core/audit/audit-entry.ts';
import { type Tx, type Executor, inTransaction } from '../../core/db/transaction.ts';
import { isRandomId, randomId, referenceCode } from '../../core/crypto/random.ts';
import { AppError } from '../../core/http/errors.ts';
import { type Locale, isLocale } from '../../core/i18n/locales.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { type CheckedSlot, checkSlot, requireService } from './availability.service.ts';
import { formatDay, formatTime, formatterFor } from './appointments.format.ts';
import type { ResolvedService } from './appointments.services.ts';
import { type BookingStatus, type Contact, type ContactChannel, type StaffBookingAction } from './appointments.schemas.ts';
import { type BookingListRow, type BookingRow, type SlotKey, bookingsRepo } from './bookings.repo.ts';
import { buildIcs } from './ics.ts';
import { type Actor, type SitePlace, type SiteView, loadSite, placeOf } from './site-rules.ts';
import { localDateOf } from './zoned-time.ts';

/** The vault program of subjects the appointments module creates (a booking or a waiting-list entry). */
export const APPOINTMENTS_PROGRAM = 'appointments';
/** Audit record type of a booking. */
export const BOOKING_RECORD = 'appointments.booking';
/** The job that offers freed seats to the waiting list (enqueued in the transaction that frees a seat). */
export const MATCH_JOB = 'appointments.waitlist-match';

const TABLE = 'appointment_bookings';
/** `module.thing` or `module.thing:<id>`: what a booking is for, never a personal value. */
function isPurposeRef(value: string): boolean {
  const [code, id, ...rest] = value.split(':');
  return rest.length === 0 && isDottedCode(code, 2, 4) && (id === undefined || isRandomId(id));
}

/** What {@link book} needs. */
export interface BookInput {
  /** A declared service id (`municipal-id-enrolment`). */
  service: string;
  siteId: string;
  /** The slot's start: an ISO instant or a Date, on the site's slot grid. */
  start: string | Date;
  /** The language of messages and the `.ics` (en, es, so, hmn). */
  locale: Locale;
  /** The language wanted at the appointment; one the site offers (default: `locale` if offered, else the site's first). */
  language?: string;
  /** Where to send the confirmation and reminders; optional. */
  contact?: Contact;
  /** Book for an existing vault subject of the calling program (its key seals the contact; forgetting it deletes the booking). */
  subjectId?: string;
  /** What the appointment is for in the calling program, `type:id` (e.g. `municipal-id.application:<id>`); never a personal value. */
  purposeRef?: string;
}

/** What a booking gives back. */
export interface BookingResult {
  bookingId: string;
  /** Shown once to the person: the bearer code to manage the booking. Never stored. */
  reference: string;
  start: string;
  end: string;
  site: SitePlace;
  service: string;
}

/** A booking as pages and other modules see it — no contact value. */
export interface BookingSummary {
  bookingId: string;
  /** First four characters of the reference code, so desk staff can match a person to their row. */
  referenceHint: string;
  status: BookingStatus;
  service: string;
  site: SitePlace;
  start: string;
  end: string;
  localDate: string;
  locale: Locale;
  language: string;
  contactChannel: ContactChannel;
  purposeRef: string | null;
  sequence: number;
  createdAt: string;
  arrivedAt: string | null;
  servedAt: string | null;
}

/** How a booking is named by callers: its reference code (residents) or its id (staff, other modules). */
export type BookingTarget = { reference: string } | { bookingId: string };

function at(column: string, rowId: string) {
  return { table: TABLE, column, rowId };
}

/** The keyed blind index of a booking's reference code (the code itself is never stored). */
export function bookingReferenceIndex(ctx: AppContext, reference: string): string {
  return ctx.vault.blindIndex('appointment_bookings.reference', reference, { normalize: 'exact', bits: 128 });
}

function slotKey(row: Pick<BookingRow, 'site_id' | 'service_id' | 'starts_at'>): SlotKey {
  return { siteId: row.site_id, serviceId: row.service_id, startsAt: row.starts_at };
}

function auditActor(actor: Actor) {
  return { id: actor.userId, role: actor.role };
}

/** The reminder offsets of a service, in minutes before the start, largest first. */
export function reminderOffsets(ctx: AppContext, service: ResolvedService): number[] {
  return [...(service.reminderMinutes ?? ctx.config.appointmentReminderMinutes)].sort((a, b) => b - a);
}

/**
 * When the next reminder is due: the earliest reminder time still ahead of `now`, or `null`. A booking made
 * a day ahead skips the two-day reminder; a reminder missed while the server was down is not sent late.
 */
export function nextReminderAt(offsets: readonly number[], start: Date, now: Date): string | null {
  const due = offsets.map((m) => start.getTime() - m * 60_000).filter((t) => t > now.getTime());
  return due.length === 0 ? null : new Date(Math.min(...due)).toISOString();
}

/** Picks the language wanted at the appointment: asked and offered, or the message language, or the site's first. */
function languageFor(site: SiteView, locale: Locale, wanted: string | undefined): string {
  if (wanted !== undefined) {
    if (!site.languages.includes(wanted)) throw new AppError('validation', { fields: [{ field: 'language', key: 'appointments.error.language' }] });
    return wanted;
  }
  return site.languages.includes(locale) ? locale : (site.languages[0] ?? locale);
}

/** Takes a seat in the slot, or throws `conflict` ("that time was just taken"). */
async function takeSeatOrConflict(tx: Executor, key: SlotKey, capacity: number): Promise<void> {
  await bookingsRepo.ensureCounter(tx, key, capacity);
  if (!(await bookingsRepo.takeSeat(tx, key))) {
    throw new AppError('conflict', { messageKey: 'appointments.error.slotTaken', fields: [{ field: 'start', key: 'appointments.error.slotTaken' }] });
  }
}

/**
 * Stores a booking for a seat already taken (by {@link book}, or held by a waiting-list offer), seals the
 * contact, audits, and queues the confirmation — all in `tx`.
 */
export async function insertBooking(
  ctx: AppContext,
  tx: Tx,
  input: {
    checked: CheckedSlot;
    locale: Locale;
    language: string;
    contact?: Contact;
    subjectId?: string;
    /** The subject is the booking's own (created for it, or handed over by a waiting-list entry). */
    ownsSubject: boolean;
    purposeRef?: string;
    actor: Actor;
  },
): Promise<BookingResult> {
  const { checked } = input;
  const now = ctx.now();
  const subjectId = input.subjectId ?? (await ctx.vault.createSubject(tx, APPOINTMENTS_PROGRAM));
  const bookingId = randomId();
  const reference = referenceCode();
  const contactSealed = input.contact ? await ctx.vault.seal(subjectId, JSON.stringify(input.contact), at('contact_sealed', bookingId)) : null;
  const start = checked.slot.start;
  await bookingsRepo.insert(tx, {
    id: bookingId,
    subject_id: subjectId,
    owned_subject_id: input.ownsSubject ? subjectId : null,
    reference_index: bookingReferenceIndex(ctx, reference),
    reference_hint: reference.slice(0, 4),
    site_id: checked.site.id,
    service_id: checked.service.id,
    starts_at: start.toISOString(),
    ends_at: checked.slot.end.toISOString(),
    local_date: checked.date,
    locale: input.locale,
    language: input.language,
    contact_channel: input.contact?.channel ?? 'none',
    contact_sealed: contactSealed,
    purpose_ref: input.purposeRef ?? null,
    status: 'booked',
    sequence: 0,
    next_reminder_at: input.contact ? nextReminderAt(reminderOffsets(ctx, checked.service), start, now) : null,
    arrived_at: null,
    served_at: null,
    cancelled_at: null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  });
  await ctx.audit.record(tx, {
    actor: auditActor(input.actor),
    action: 'record.create',
    record: { type: BOOKING_RECORD, id: bookingId },
    purpose: input.actor.role === 'resident' ? 'intake' : 'case-work',
    requestId: input.actor.requestId,
  });
  const result: BookingResult = {
    bookingId,
    reference,
    start: start.toISOString(),
    end: checked.slot.end.toISOString(),
    site: placeOf(checked.site),
    service: checked.service.id,
  };
  if (input.contact) {
    await sendBookingMessage(ctx, tx, {
      kind: 'booked',
      booking: { id: bookingId, subjectId, locale: input.locale, sequence: 0, start: result.start, end: result.end, serviceId: checked.service.id },
      site: checked.site,
      contact: input.contact,
      reference,
    });
  }
  return result;
}

/**
 * Books a seat. Runs in `tx` when given (another module's transaction: the booking then exists only if that
 * transaction commits — call it before your audit writes), otherwise in its own. Throws `conflict` when the
 * slot is full, `validation` for a time that is not bookable or a language the site does not offer,
 * `not_found` for an unknown service or site.
 */
export async function book(ctx: AppContext, input: BookInput, tx?: Tx, actor: Actor = { userId: null, role: 'resident' }): Promise<BookingResult> {
  if (!isLocale(input.locale)) throw new AppError('bad_request');
  if (input.purposeRef !== undefined && !isPurposeRef(input.purposeRef)) throw new AppError('bad_request');
  if (input.subjectId !== undefined && !isRandomId(input.subjectId)) throw new AppError('bad_request');
  const start = new Date(input.start);
  const run = async (t: Tx): Promise<BookingResult> => {
    const checked = await checkSlot(ctx, t, { serviceId: input.service, siteId: input.siteId, start });
    const language = languageFor(checked.site, input.locale, input.language);
    if (input.subjectId !== undefined) {
      const subject = await t.selectFrom('subjects').select('id').where('id', '=', input.subjectId).executeTakeFirst();
      if (!subject) throw new AppError('bad_request');
    }
    await takeSeatOrConflict(t, { siteId: checked.site.id, serviceId: checked.service.id, startsAt: checked.slot.start.toISOString() }, checked.capacity);
    return insertBooking(ctx, t, {
      checked,
      locale: input.locale,
      language,
      contact: input.contact,
      subjectId: input.subjectId,
      ownsSubject: input.subjectId === undefined,
      purposeRef: input.purposeRef,
      actor,
    });
  };
  return tx ? run(tx) : inTransaction(ctx.db, run);
}

async function findTarget(ctx: AppContext, db: Executor, target: BookingTarget): Promise<BookingRow | undefined> {
  if ('bookingId' in target) return isRandomId(target.bookingId) ? bookingsRepo.findById(db, target.bookingId) : undefined;
  return bookingsRepo.findByReferenceIndex(db, bookingReferenceIndex(ctx, target.reference));
}

async function summaryOf(ctx: AppContext, db: Executor, row: BookingListRow): Promise<BookingSummary> {
  const site = await loadSite(ctx, row.site_id, db);
  return {
    bookingId: row.id,
    referenceHint: row.reference_hint,
    status: row.status as BookingStatus,
    service: row.service_id,
    site: site ? placeOf(site) : { id: row.site_id, name: '', address: '' },
    start: row.starts_at,
    end: row.ends_at,
    localDate: row.local_date,
    locale: (isLocale(row.locale) ? row.locale : 'en'),
    language: row.language,
    contactChannel: row.contact_channel as ContactChannel,
    purposeRef: row.purpose_ref,
    sequence: row.sequence,
    createdAt: row.created_at,
    arrivedAt: row.arrived_at,
    servedAt: row.served_at,
  };
}

/** The booking with this reference code, without personal values; `null` if there is none. */
export async function getBooking(ctx: AppContext, reference: string): Promise<BookingSummary | null> {
  const row = await findTarget(ctx, ctx.db.kysely, { reference });
  return row ? summaryOf(ctx, ctx.db.kysely, row) : null;
}

/** The booking with this id, without personal values; `null` if there is none. */
export async function getBookingById(ctx: AppContext, bookingId: string): Promise<BookingSummary | null> {
  const row = await findTarget(ctx, ctx.db.kysely, { bookingId });
  return row ? summaryOf(ctx, ctx.db.kysely, row) : null;
}

/** Opens the sealed contact of a booking (the caller audits). */
async function openContact(ctx: AppContext, row: Pick<BookingRow, 'id' | 'subject_id' | 'contact_sealed'>): Promise<Contact | undefined> {
  if (!row.contact_sealed) return undefined;
  const parsed = JSON.parse(await ctx.vault.open(row.subject_id, row.contact_sealed, at('contact_sealed', row.id))) as Contact;
  return parsed.channel === 'email' || parsed.channel === 'sms' ? parsed : undefined;
}

/**
 * A booking for staff, with its contact for reminders decrypted. The read is audited in the same transaction.
 * Throws `not_found`, or `gone` when the person's key was destroyed.
 */
export async function readBookingForStaff(ctx: AppContext, actor: Actor, bookingId: string): Promise<BookingSummary & { contact?: Contact }> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await findTarget(ctx, tx, { bookingId });
    if (!row) throw new AppError('not_found');
    let contact: Contact | undefined;
    try {
      contact = await openContact(ctx, row);
    } catch {
      throw new AppError('gone');
    }
    await ctx.audit.record(tx, {
      actor: auditActor(actor),
      action: 'record.read',
      record: { type: BOOKING_RECORD, id: row.id },
      purpose: 'case-work',
      requestId: actor.requestId,
    });
    return { ...(await summaryOf(ctx, tx, row)), ...(contact ? { contact } : {}) };
  });
}

/** Queues the offer of freed seats to the waiting list, in the transaction that frees them. */
export async function enqueueWaitlistMatch(ctx: AppContext, tx: Executor, siteId: string, serviceId: string): Promise<void> {
  await ctx.jobs.enqueue({ name: MATCH_JOB, payload: { siteId, serviceId } }, tx);
}

/**
 * Cancels a booking (by the resident with the reference code, by staff, or by another module). The seat is
 * given back and offered to the waiting list; a cancellation message goes to the contact. Cancelling a
 * cancelled booking changes nothing; an appointment that has started or been attended cannot be cancelled.
 */
export async function cancel(ctx: AppContext, target: BookingTarget, actor: Actor): Promise<BookingSummary> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const row = await findTarget(ctx, tx, target);
    if (!row) throw new AppError('not_found');
    if (row.status === 'cancelled') return summaryOf(ctx, tx, row);
    if (row.status !== 'booked') throw new AppError('conflict', { messageKey: 'appointments.error.notChangeable' });
    if (actor.role === 'resident' && new Date(row.starts_at) <= now) throw new AppError('conflict', { messageKey: 'appointments.error.past' });
    const changed = await bookingsRepo.update(tx, row.id, { status: 'cancelled', cancelled_at: now.toISOString(), updated_at: now.toISOString(), next_reminder_at: null }, ['booked']);
    if (!changed) throw new AppError('conflict', { messageKey: 'appointments.error.notChangeable' });
    await bookingsRepo.releaseSeat(tx, slotKey(row));
    await ctx.audit.record(tx, {
      actor: auditActor(actor),
      action: 'record.update',
      record: { type: BOOKING_RECORD, id: row.id },
      purpose: actor.role === 'resident' ? 'resident-request' : 'case-work',
      requestId: actor.requestId,
      detail: 'status.cancelled',
    });
    await enqueueWaitlistMatch(ctx, tx, row.site_id, row.service_id);
    const updated = { ...row, status: 'cancelled', cancelled_at: now.toISOString() };
    await messageAfterChange(ctx, tx, updated, 'cancelled');
    return summaryOf(ctx, tx, updated);
  });
}

/**
 * Moves a booking to another slot of the same site and service. The new seat is taken before the old one is
 * given back, so a full slot refuses the move and the person keeps their time. The reference code stays the
 * same; the `.ics` sequence goes up, so calendars replace the event.
 */
export async function reschedule(ctx: AppContext, target: BookingTarget, input: { start: string | Date }, actor: Actor): Promise<BookingSummary> {
  const now = ctx.now();
  const start = new Date(input.start);
  return inTransaction(ctx.db, async (tx) => {
    const row = await findTarget(ctx, tx, target);
    if (!row) throw new AppError('not_found');
    if (row.status !== 'booked') throw new AppError('conflict', { messageKey: 'appointments.error.notChangeable' });
    if (actor.role === 'resident' && new Date(row.starts_at) <= now) throw new AppError('conflict', { messageKey: 'appointments.error.past' });
    if (start.getTime() === new Date(row.starts_at).getTime()) return summaryOf(ctx, tx, row);
    const checked = await checkSlot(ctx, tx, { serviceId: row.service_id, siteId: row.site_id, start });
    await takeSeatOrConflict(tx, { siteId: row.site_id, serviceId: row.service_id, startsAt: checked.slot.start.toISOString() }, checked.capacity);
    const values = {
      starts_at: checked.slot.start.toISOString(),
      ends_at: checked.slot.end.toISOString(),
      local_date: checked.date,
      sequence: row.sequence + 1,
      next_reminder_at: row.contact_sealed ? nextReminderAt(reminderOffsets(ctx, checked.service), checked.slot.start, now) : null,
      updated_at: now.toISOString(),
    };
    // Guarded by the sequence, so two concurrent moves of one booking cannot both give back its old seat.
    const r = await tx
      .updateTable('appointment_bookings')
      .set(values)
      .where('id', '=', row.id)
      .where('status', '=', 'booked')
      .where('sequence', '=', row.sequence)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError('conflict', { messageKey: 'appointments.error.notChangeable' });
    await bookingsRepo.releaseSeat(tx, slotKey(row));
    await ctx.audit.record(tx, {
      actor: auditActor(actor),
      action: 'record.update',
      record: { type: BOOKING_RECORD, id: row.id },
      purpose: actor.role === 'resident' ? 'resident-request' : 'case-work',
      requestId: actor.requestId,
      detail: 'change.rescheduled',
    });
    await enqueueWaitlistMatch(ctx, tx, row.site_id, row.service_id);
    const updated = { ...row, ...values };
    await messageAfterChange(ctx, tx, updated, 'rescheduled');
    return summaryOf(ctx, tx, updated);
  });
}

/** Which status each staff action leads to, and from which statuses it is allowed. */
const TRANSITIONS: Record<Exclude<StaffBookingAction, 'cancelled'>, readonly BookingStatus[]> = {
  arrived: ['booked'],
  served: ['booked', 'arrived'],
  'no-show': ['booked'],
  booked: ['arrived', 'no-show'],
};

/**
 * A staff status change: arrived, served, no-show, back to booked (undo), or cancelled. A no-show gives the
 * seat back (offered to the waiting list if the slot is still ahead); undoing a no-show takes it again if
 * one is free.
 */
export async function setStatus(ctx: AppContext, actor: Actor, bookingId: string, action: StaffBookingAction): Promise<BookingSummary> {
  if (action === 'cancelled') return cancel(ctx, { bookingId }, actor);
  const now = ctx.now().toISOString();
  return inTransaction(ctx.db, async (tx) => {
    const row = await findTarget(ctx, tx, { bookingId });
    if (!row) throw new AppError('not_found');
    if (row.status === action) return summaryOf(ctx, tx, row);
    const from = TRANSITIONS[action];
    if (!from.includes(row.status as BookingStatus)) throw new AppError('conflict', { messageKey: 'appointments.error.notChangeable' });
    if (action === 'booked' && row.status === 'no-show') {
      const checked = { capacity: (await bookingsRepo.counter(tx, slotKey(row)))?.capacity ?? 0 };
      await takeSeatOrConflict(tx, slotKey(row), checked.capacity);
    }
    const values =
      action === 'arrived'
        ? { status: action, arrived_at: now, updated_at: now }
        : action === 'served'
          ? { status: action, served_at: now, arrived_at: row.arrived_at ?? now, updated_at: now, next_reminder_at: null }
          : action === 'no-show'
            ? { status: action, updated_at: now, next_reminder_at: null }
            : { status: action, arrived_at: null, updated_at: now };
    if (!(await bookingsRepo.update(tx, row.id, values, [row.status]))) throw new AppError('conflict', { messageKey: 'appointments.error.notChangeable' });
    if (action === 'no-show') {
      await bookingsRepo.releaseSeat(tx, slotKey(row));
      await enqueueWaitlistMatch(ctx, tx, row.site_id, row.service_id);
    }
    await ctx.audit.record(tx, {
      actor: auditActor(actor),
      action: 'record.update',
      record: { type: BOOKING_RECORD, id: row.id },
      purpose: 'case-work',
      requestId: actor.requestId,
      detail: `status.${action}`,
    });
    return summaryOf(ctx, tx, { ...row, ...values });
  });
}

/** Marks a booking as a no-show (the seat goes back). */
export async function markNoShow(ctx: AppContext, actor: Actor, bookingId: string): Promise<BookingSummary> {
  return setStatus(ctx, actor, bookingId, 'no-show');
}

/** A site's appointments of a day (default: the city's today), in time order, without personal values. */
export async function todaysAppointments(ctx: AppContext, siteId: string, date?: string): Promise<BookingSummary[]> {
  const day = date ?? localDateOf(ctx.jurisdiction.locale.timezone.value, ctx.now());
  const site = isRandomId(siteId) ? await loadSite(ctx, siteId) : null;
  if (!site) throw new AppError('not_found');
  const rows = await bookingsRepo.listDay(ctx.db.kysely, siteId, day);
  const place = placeOf(site);
  return rows.map((row) => ({
    bookingId: row.id,
    referenceHint: row.reference_hint,
    status: row.status as BookingStatus,
    service: row.service_id,
    site: place,
    start: row.starts_at,
    end: row.ends_at,
    localDate: row.local_date,
    locale: (isLocale(row.locale) ? row.locale : 'en'),
    language: row.language,
    contactChannel: row.contact_channel as ContactChannel,
    purposeRef: row.purpose_ref,
    sequence: row.sequence,
    createdAt: row.created_at,
    arrivedAt: row.arrived_at,
    servedAt: row.served_at,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// The .ics file and messages

interface IcsBooking {
  id: string;
  locale: Locale;
  sequence: number;
  start: string;
  end: string;
  serviceId: string;
  cancelled?: boolean;
}

/** The booking's calendar file in `locale`: what, when, where — no name, no contact, no reference code. */
export function bookingIcs(ctx: AppContext, booking: IcsBooking, site: Pick<SiteView, 'name' | 'address'>, locale: Locale): string {
  const service = requireService(booking.serviceId);
  const t = formatterFor(ctx.messages, locale);
  const host = new URL(ctx.config.baseUrl).hostname || 'localhost';
  const instructions = service.instructionsKey ? t(service.instructionsKey) : '';
  const manage = t('appointments.ics.manage', { url: `${ctx.config.baseUrl}/appointments/manage` });
  return buildIcs({
    prodId: `-//${ctx.jurisdiction.place.displayName.value}//Sanctuary appointments//EN`,
    method: booking.cancelled ? 'CANCEL' : 'PUBLISH',
    events: [
      {
        uid: `${booking.id}@${host}`,
        stamp: ctx.now(),
        start: new Date(booking.start),
        end: new Date(booking.end),
        summary: t('appointments.ics.summary', { service: t(service.titleKey), site: site.name }),
        location: `${site.name}, ${site.address}`,
        description: [instructions, manage].filter(Boolean).join('\n\n'),
        sequence: booking.sequence,
        status: booking.cancelled ? 'CANCELLED' : 'CONFIRMED',
        language: locale,
      },
    ],
  });
}

/** The `.ics` of a booking by id, in `locale`. Throws `not_found`. */
export async function icsFor(ctx: AppContext, bookingId: string, locale: Locale): Promise<string> {
  const row = isRandomId(bookingId) ? await bookingsRepo.findById(ctx.db.kysely, bookingId) : undefined;
  const site = row ? await loadSite(ctx, row.site_id) : null;
  if (!row || !site) throw new AppError('not_found');
  return bookingIcs(
    ctx,
    { id: row.id, locale, sequence: row.sequence, start: row.starts_at, end: row.ends_at, serviceId: row.service_id, cancelled: row.status === 'cancelled' },
    site,
    locale,
  );
}

type MessageKind = 'booked' | 'rescheduled' | 'cancelled' | 'reminder';

/** Renders and queues one message about a booking (email with the `.ics`, or SMS) in the booking's language. */
async function sendBookingMessage(
  ctx: AppContext,
  tx: Executor,
  input: {
    kind: MessageKind;
    booking: { id: string; subjectId: string; locale: Locale; sequence: number; start: string; end: string; serviceId: string };
    site: Pick<SiteView, 'name' | 'address'>;
    contact: Contact;
    reference?: string;
  },
): Promise<void> {
  const { booking, contact } = input;
  const service = requireService(booking.serviceId);
  const t = formatterFor(ctx.messages, booking.locale);
  const tz = ctx.jurisdiction.locale.timezone.value;
  const values = {
    service: t(service.titleKey),
    site: input.site.name,
    address: input.site.address,
    day: formatDay(t, localDateOf(tz, new Date(booking.start)), { year: true }),
    time: formatTime(booking.locale, tz, booking.start),
    reference: input.reference ?? '',
    manageUrl: `${ctx.config.baseUrl}/appointments/manage`,
    instructions: service.instructionsKey ? t(service.instructionsKey) : '',
  };
  const ics =
    contact.channel === 'email'
      ? bookingIcs(ctx, { ...booking, cancelled: input.kind === 'cancelled' }, input.site, booking.locale)
      : undefined;
  await ctx.notifier.enqueue(
    {
      channel: contact.channel,
      to: contact.value,
      template: `appointments.notify.${input.kind}`,
      values,
      locale: booking.locale,
      subjectRef: booking.subjectId,
      about: { type: BOOKING_RECORD, id: booking.id },
      ...(ics ? { attachments: [{ filename: 'appointment.ics', contentType: 'text/calendar; charset=utf-8; method=' + (input.kind === 'cancelled' ? 'CANCEL' : 'PUBLISH'), content: ics }] } : {}),
    },
    tx,
  );
}

/** Opens the contact (audited as a system read for a notification) and queues the message about a change. */
async function messageAfterChange(ctx: AppContext, tx: Executor, row: BookingRow, kind: MessageKind): Promise<void> {
  if (!row.contact_sealed) return;
  const site = await loadSite(ctx, row.site_id, tx);
  let contact: Contact | undefined;
  try {
    contact = await openContact(ctx, row);
  } catch {
    // The person's key is gone (forgotten): there is no one to tell.
    return;
  }
  if (!contact || !site) return;
  await ctx.audit.record(tx, {
    actor: { id: null, role: 'system' },
    action: 'record.read',
    record: { type: BOOKING_RECORD, id: row.id },
    purpose: 'notification',
    detail: `message.${kind}`,
  });
  await sendBookingMessage(ctx, tx, {
    kind,
    booking: { id: row.id, subjectId: row.subject_id, locale: (isLocale(row.locale) ? row.locale : 'en'), sequence: row.sequence, start: row.starts_at, end: row.ends_at, serviceId: row.service_id },
    site,
    contact,
  });
}

/**
 * Sends every reminder that is due (at most `limit`), each in its own transaction: the booking's reminder
 * time moves on first (conditionally, so two instances never send the same reminder), then the message is
 * queued. Returns how many reminders were queued. Run by the `appointments.reminders` job.
 */
export async function sendDueReminders(ctx: AppContext, options: { limit?: number } = {}): Promise<number> {
  const now = ctx.now();
  const due = await bookingsRepo.dueReminders(ctx.db.kysely, now.toISOString(), options.limit ?? 200);
  let sent = 0;
  for (const row of due) {
    const expected = row.next_reminder_at;
    if (!expected) continue;
    const done = await inTransaction(ctx.db, async (tx) => {
      const service = requireService(row.service_id);
      const next = nextReminderAt(reminderOffsets(ctx, service), new Date(row.starts_at), now);
      if (!(await bookingsRepo.advanceReminder(tx, row.id, expected, next))) return false;
      // A reminder due while the server was down is skipped if the appointment has started.
      if (new Date(row.starts_at) <= now) return false;
      await messageAfterChange(ctx, tx, row, 'reminder');
      return true;
    });
    if (done) sent++;
  }
  return sent;
}
