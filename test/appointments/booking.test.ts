import { afterAll, beforeAll, expect, it } from 'vitest';
import { normalizeReferenceCode } from '../../src/core/crypto/random.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { AppError } from '../../src/core/http/errors.ts';
import { appointmentsApi } from '../../src/modules/appointments/api.ts';
import { bookingsRepo } from '../../src/modules/appointments/bookings.repo.ts';
import { book, cancel, getBooking, readBookingForStaff, reschedule, setStatus } from '../../src/modules/appointments/bookings.service.ts';
import { addClosure } from '../../src/modules/appointments/sites.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { SERVICE, SYSTEM, addSite, count, testClock } from './appointments-helpers.ts';

const TUESDAY_9 = '2026-12-01T15:00:00.000Z';
const TUESDAY_920 = '2026-12-01T15:20:00.000Z';

describeEachDialect('appointments: booking', (dialect) => {
  let t: TestApp;
  const clock = testClock();
  let site = '';

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
    site = await addSite(t.ctx, { capacity: 2 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists free slots from opening hours, without holidays, closures or slots too soon', async () => {
    const api = appointmentsApi(t.ctx);
    await addClosure(t.ctx, SYSTEM, site, { fromDate: '2026-12-02', toDate: '2026-12-02', reason: 'training' });
    const { sites } = await api.listAvailability({ service: SERVICE, from: '2026-11-30', to: '2026-12-04' });
    const days = sites.find((s) => s.site.id === site)?.days ?? [];
    expect(days.map((d) => d.date)).toEqual(['2026-11-30', '2026-12-01', '2026-12-03', '2026-12-04']);
    // Today: it is 09:00, booking needs an hour's notice, so 10:00 is the first slot.
    expect(days[0]?.slots[0]?.start).toBe('2026-11-30T16:00:00.000Z');
    expect(days[1]?.slots).toHaveLength(9);
    expect(days[1]?.slots[0]).toMatchObject({ start: TUESDAY_9, end: TUESDAY_920, capacity: 2, booked: 0, free: 2 });
    // Christmas (a Friday) is a city holiday.
    const xmas = await api.listAvailability({ service: SERVICE, siteId: site, from: '2026-12-25', to: '2026-12-25' });
    expect(xmas.sites[0]?.days).toEqual([]);
    // Beyond the six-week window nothing is offered.
    const far = await api.listAvailability({ service: SERVICE, siteId: site, from: '2027-01-20', to: '2027-01-31' });
    expect(far.sites[0]?.days).toEqual([]);
  });

  it('books a seat: reference code, counter, sealed contact, audit, confirmation queued', async () => {
    const result = await book(t.ctx, { service: SERVICE, siteId: site, start: TUESDAY_9, locale: 'so', contact: { channel: 'email', value: 'qof@example.org' } });
    expect(normalizeReferenceCode(result.reference)).toBe(result.reference);
    expect(result).toMatchObject({ start: TUESDAY_9, end: TUESDAY_920, service: SERVICE, site: { id: site, name: 'Test Hall' } });
    const row = await bookingsRepo.findById(t.ctx.db.kysely, result.bookingId);
    expect(row).toMatchObject({ status: 'booked', language: 'so', locale: 'so', contact_channel: 'email', reference_hint: result.reference.slice(0, 4) });
    // Nothing personal in plain text; the code is not stored.
    expect(JSON.stringify(row)).not.toContain('qof@example.org');
    expect(JSON.stringify(row)).not.toContain(result.reference);
    expect(row?.owned_subject_id).toBe(row?.subject_id);
    // Reminders: 2 days before is already past for a booking made the day before; 2 hours before is next.
    expect(row?.next_reminder_at).toBe('2026-12-01T13:00:00.000Z');
    const counter = await bookingsRepo.counter(t.ctx.db.kysely, { siteId: site, serviceId: SERVICE, startsAt: TUESDAY_9 });
    expect(counter).toMatchObject({ capacity: 2, booked: 1 });
    expect(await count(t.ctx, 'notify_messages', { column: 'subject_id', value: row?.subject_id ?? '' })).toBe(1);
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().where('record_id', '=', result.bookingId).execute();
    expect(audit.map((a) => a.action)).toEqual(['record.create']);
    // Staff read decrypts the contact, and the read is audited.
    const staffView = await readBookingForStaff(t.ctx, { userId: null, role: 'system' }, result.bookingId);
    expect(staffView.contact).toEqual({ channel: 'email', value: 'qof@example.org' });
    expect((await t.ctx.db.kysely.selectFrom('audit_log').select('action').where('record_id', '=', result.bookingId).execute()).map((a) => a.action)).toContain('record.read');
    const found = await getBooking(t.ctx, result.reference.toLowerCase().replace(/-/g, ' '));
    expect(found).toBeNull(); // the service expects the canonical code; routes normalise
    expect((await getBooking(t.ctx, result.reference))?.bookingId).toBe(result.bookingId);
  });

  it('refuses bad input with translated errors and writes nothing', async () => {
    const before = await count(t.ctx, 'appointment_bookings');
    const cases: Array<[Parameters<typeof book>[1], string]> = [
      [{ service: SERVICE, siteId: site, start: '2026-12-01T15:10:00.000Z', locale: 'en' }, 'validation'], // off the grid
      [{ service: SERVICE, siteId: site, start: '2026-12-02T15:00:00.000Z', locale: 'en' }, 'validation'], // closure
      [{ service: SERVICE, siteId: site, start: '2026-12-25T15:00:00.000Z', locale: 'en' }, 'validation'], // holiday
      [{ service: SERVICE, siteId: site, start: '2026-11-30T15:20:00.000Z', locale: 'en' }, 'validation'], // too soon
      [{ service: SERVICE, siteId: site, start: '2027-02-02T15:00:00.000Z', locale: 'en' }, 'validation'], // too far
      [{ service: SERVICE, siteId: site, start: 'not a date', locale: 'en' }, 'validation'],
      [{ service: SERVICE, siteId: site, start: TUESDAY_920, locale: 'en', language: 'fr' }, 'validation'],
      [{ service: 'no-such-service', siteId: site, start: TUESDAY_920, locale: 'en' }, 'not_found'],
      [{ service: SERVICE, siteId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', start: TUESDAY_920, locale: 'en' }, 'not_found'],
      [{ service: SERVICE, siteId: site, start: TUESDAY_920, locale: 'fr' as 'en' }, 'bad_request'],
      [{ service: SERVICE, siteId: site, start: TUESDAY_920, locale: 'en', purposeRef: 'Jane Doe' }, 'bad_request'],
      [{ service: SERVICE, siteId: site, start: TUESDAY_920, locale: 'en', subjectId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, 'bad_request'],
    ];
    for (const [input, code] of cases) {
      const err = await book(t.ctx, input).catch((e: unknown) => e);
      expect(err, JSON.stringify(input)).toBeInstanceOf(AppError);
      expect((err as AppError).code, JSON.stringify(input)).toBe(code);
    }
    expect(await count(t.ctx, 'appointment_bookings')).toBe(before);
  });

  it('200 concurrent bookings for the last seat: exactly one gets it', async () => {
    const slot = '2026-12-03T16:00:00.000Z';
    await book(t.ctx, { service: SERVICE, siteId: site, start: slot, locale: 'en' }); // 1 of 2 seats
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => book(t.ctx, { service: SERVICE, siteId: site, start: slot, locale: 'en', contact: { channel: 'email', value: `p${i}@example.org` } })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(199);
    for (const l of lost) expect((l.reason as AppError).code).toBe('conflict');
    const rows = await t.ctx.db.kysely.selectFrom('appointment_bookings').select('id').where('starts_at', '=', slot).where('site_id', '=', site).execute();
    expect(rows).toHaveLength(2);
    expect(await bookingsRepo.counter(t.ctx.db.kysely, { siteId: site, serviceId: SERVICE, startsAt: slot })).toMatchObject({ booked: 2, capacity: 2 });
  }, 120_000);

  it('books inside the caller transaction for its subject; a rollback leaves nothing', async () => {
    const api = appointmentsApi(t.ctx);
    const slot = '2026-12-04T15:00:00.000Z';
    const subject = await inTransaction(t.ctx.db, (tx) => t.ctx.vault.createSubject(tx, 'municipal-id'));
    const booked = await inTransaction(t.ctx.db, (tx) =>
      api.book(tx, { service: SERVICE, siteId: site, start: slot, locale: 'es', subjectId: subject, purposeRef: `municipal-id.application:${subject}`, contact: { channel: 'sms', value: '+16125550123' } }),
    );
    const row = await bookingsRepo.findById(t.ctx.db.kysely, booked.bookingId);
    expect(row).toMatchObject({ subject_id: subject, owned_subject_id: null, purpose_ref: `municipal-id.application:${subject}`, language: 'es' });
    const slot2 = '2026-12-04T15:20:00.000Z';
    const failed = await inTransaction(t.ctx.db, async (tx) => {
      await api.book(tx, { service: SERVICE, siteId: site, start: slot2, locale: 'en', purposeRef: 'municipal-id.application' });
      throw new Error('the application failed afterwards');
    }).catch((e: unknown) => e);
    expect((failed as Error).message).toBe('the application failed afterwards');
    expect(await bookingsRepo.counter(t.ctx.db.kysely, { siteId: site, serviceId: SERVICE, startsAt: slot2 })).toBeUndefined();
    expect(await t.ctx.db.kysely.selectFrom('appointment_bookings').select('id').where('starts_at', '=', slot2).execute()).toEqual([]);
  });

  it('cancels and reschedules by reference; seats move; a full slot refuses the move', async () => {
    const a = await book(t.ctx, { service: SERVICE, siteId: site, start: '2026-12-07T15:00:00.000Z', locale: 'en', contact: { channel: 'email', value: 'a@example.org' } });
    const moved = await reschedule(t.ctx, { reference: a.reference }, { start: '2026-12-07T15:40:00.000Z' }, { userId: null, role: 'resident' });
    expect(moved).toMatchObject({ start: '2026-12-07T15:40:00.000Z', sequence: 1, status: 'booked' });
    const key = (startsAt: string) => ({ siteId: site, serviceId: SERVICE, startsAt });
    expect((await bookingsRepo.counter(t.ctx.db.kysely, key('2026-12-07T15:00:00.000Z')))?.booked).toBe(0);
    expect((await bookingsRepo.counter(t.ctx.db.kysely, key('2026-12-07T15:40:00.000Z')))?.booked).toBe(1);
    // Fill 16:00 and try to move there.
    await book(t.ctx, { service: SERVICE, siteId: site, start: '2026-12-07T16:00:00.000Z', locale: 'en' });
    await book(t.ctx, { service: SERVICE, siteId: site, start: '2026-12-07T16:00:00.000Z', locale: 'en' });
    const refused = await reschedule(t.ctx, { reference: a.reference }, { start: '2026-12-07T16:00:00.000Z' }, { userId: null, role: 'resident' }).catch((e: unknown) => e);
    expect((refused as AppError).code).toBe('conflict');
    expect((await getBooking(t.ctx, a.reference))?.start).toBe('2026-12-07T15:40:00.000Z');
    // Cancel: the seat goes back, a second cancel changes nothing, and the cancelled booking cannot move.
    const cancelled = await cancel(t.ctx, { reference: a.reference }, { userId: null, role: 'resident' });
    expect(cancelled.status).toBe('cancelled');
    expect((await bookingsRepo.counter(t.ctx.db.kysely, key('2026-12-07T15:40:00.000Z')))?.booked).toBe(0);
    expect((await cancel(t.ctx, { reference: a.reference }, { userId: null, role: 'resident' })).status).toBe('cancelled');
    expect((await bookingsRepo.counter(t.ctx.db.kysely, key('2026-12-07T15:40:00.000Z')))?.booked).toBe(0);
    const late = await reschedule(t.ctx, { reference: a.reference }, { start: '2026-12-07T16:20:00.000Z' }, { userId: null, role: 'resident' }).catch((e: unknown) => e);
    expect((late as AppError).code).toBe('conflict');
    // Messages: confirmation, rescheduled, cancelled.
    const row = await bookingsRepo.findById(t.ctx.db.kysely, a.bookingId);
    const templates = await t.ctx.db.kysely.selectFrom('notify_messages').select('template').where('subject_id', '=', row?.subject_id ?? '').orderBy('created_at').execute();
    expect(templates.map((m) => m.template)).toEqual(['appointments.notify.booked', 'appointments.notify.rescheduled', 'appointments.notify.cancelled']);
  });

  it('staff status changes: arrived, served, no-show gives the seat back, undo takes it again', async () => {
    const start = '2026-12-08T15:00:00.000Z';
    const a = await book(t.ctx, { service: SERVICE, siteId: site, start, locale: 'en' });
    const key = { siteId: site, serviceId: SERVICE, startsAt: start };
    expect((await setStatus(t.ctx, SYSTEM, a.bookingId, 'arrived')).status).toBe('arrived');
    expect((await setStatus(t.ctx, SYSTEM, a.bookingId, 'served')).status).toBe('served');
    expect(((await setStatus(t.ctx, SYSTEM, a.bookingId, 'no-show').catch((e: unknown) => e)) as AppError).code).toBe('conflict');
    const b = await book(t.ctx, { service: SERVICE, siteId: site, start, locale: 'en' });
    expect((await bookingsRepo.counter(t.ctx.db.kysely, key))?.booked).toBe(2);
    await appointmentsApi(t.ctx).markNoShow(b.bookingId, SYSTEM);
    expect((await bookingsRepo.counter(t.ctx.db.kysely, key))?.booked).toBe(1);
    expect((await setStatus(t.ctx, SYSTEM, b.bookingId, 'booked')).status).toBe('booked');
    expect((await bookingsRepo.counter(t.ctx.db.kysely, key))?.booked).toBe(2);
    const today = await appointmentsApi(t.ctx).todaysAppointments(site, '2026-12-08');
    expect(today.map((x) => x.status)).toEqual(['served', 'booked']);
    expect(JSON.stringify(today)).not.toMatch(/contact_sealed|@/);
  });
});
