/**
 * Booking the enrolment appointment of an application through the appointments module, end to end through
 * HTTP on both databases: from the confirmation page's button, a place and day, a time, the booked appointment
 * (status page updated), the existing appointment on a second visit, the last seat taken by someone else a
 * moment before (409 and other times offered), bad codes and tampered inputs (translated 4xx, nothing booked),
 * and the booking forgotten with the application.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { referenceCode } from '../../src/core/crypto/random.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { appointmentsApi } from '../../src/modules/appointments/api.ts';
import { MUNICIPAL_ID_ENROLMENT } from '../../src/modules/appointments/appointments.services.ts';
import { createSite, setHours, setServiceCapacity } from '../../src/modules/appointments/sites.service.ts';
import { decide, markEnrolled } from '../../src/modules/municipal-id/application/application.service.ts';
import { movableClock } from '../forms/forms-helpers.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { BASE, HODAN, escaped, fillApplication, importFixtureAddresses, shownReference, submitApplication } from './application-helpers.ts';

const SYSTEM = { userId: null, role: 'system' as const };
const BOOK = '/municipal-id/appointment';

/** The radio values on a page, for an input name. */
function radioValues(html: string, name: 'day' | 'start'): string[] {
  const pattern = name === 'day' ? /name="day" value="([^"]+)"/g : /name="start" value="([^"]+)"/g;
  return [...html.matchAll(pattern)].map((m) => m[1] as string);
}

describeEachDialect('booking the enrolment appointment', (dialect) => {
  let t: TestApp;
  // Monday 30 November 2026, 9:00 in Minneapolis.
  const clock = movableClock(new Date('2026-11-30T15:00:00.000Z'));
  let siteId: string;
  const m = (lang: 'en' | 'es' | 'so' | 'hmn', key: string, values?: Record<string, string | number>) => escaped(t.ctx.messages.format(lang, key, values));

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
    await importFixtureAddresses(t.ctx);
    siteId = await createSite(t.ctx, SYSTEM, {
      name: 'City Hall — Room 1',
      address: '350 S 5th St, Minneapolis, MN 55415',
      languages: ['en', 'es', 'so', 'hmn'],
      accessibility: { en: 'Step-free entrance on 4th Street.' },
      active: true,
    });
    await setHours(t.ctx, SYSTEM, siteId, [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: 9 * 60, closes: 11 * 60 })));
    // One seat per slot: the race for the last seat is easy to stage.
    await setServiceCapacity(t.ctx, SYSTEM, siteId, { serviceId: MUNICIPAL_ID_ENROLMENT, capacity: 1, active: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function applied(lang: string, name: string): Promise<{ browser: TestBrowser; reference: string; id: string }> {
    const browser = new TestBrowser(t.app);
    await browser.get(`${BASE}?lang=${lang}`);
    await fillApplication(browser, { ...HODAN, name });
    const reference = await submitApplication(browser);
    const row = await t.ctx.db.kysely.selectFrom('id_applications').select('id').orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
    return { browser, reference, id: row.id };
  }

  it('books from the confirmation page in Somali: a place and day, a time, then the appointment with its own code', async () => {
    const { browser, reference, id } = await applied('so', 'Hodan Cabdi Warsame');
    // The confirmation page's button posts the code (as a browser would submit that form).
    const days = await browser.post(BOOK, { code: reference });
    expect(days.statusCode).toBe(200);
    expect(days.body).toContain(m('so', 'municipalId.book.title'));
    expect(days.body).toContain('City Hall — Room 1');
    expect(days.body).toContain(`name="code" value="${reference}"`);
    const dayValues = radioValues(days.body, 'day');
    // Weekdays only, from tomorrow (today's first slots are within the minimum notice or taken by the clock).
    expect(dayValues.length).toBeGreaterThan(5);
    expect(dayValues.every((v) => v.startsWith(`${siteId}~`))).toBe(true);
    const day = dayValues[1] as string;

    const times = await browser.post(`${BOOK}/times`, { code: reference, day });
    expect(times.statusCode).toBe(200);
    const starts = radioValues(times.body, 'start');
    expect(starts.length).toBeGreaterThan(1);
    const start = starts[0] as string;

    const booked = await browser.post(`${BOOK}/book`, { code: reference, day, start });
    expect(booked.statusCode).toBe(200);
    expect(booked.body).toContain(m('so', 'municipalId.book.done.title'));
    const appointmentCode = shownReference(booked.body);
    expect(appointmentCode).not.toBe(reference);
    expect(booked.body).toContain('href="/appointments/manage"');

    const row = await t.ctx.db.kysely.selectFrom('id_applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('appointment-booked');
    expect(row.appointment_id).toBeTruthy();
    const booking = await appointmentsApi(t.ctx).getBookingById(row.appointment_id as string);
    expect(booking).toMatchObject({ status: 'booked', service: MUNICIPAL_ID_ENROLMENT, start, locale: 'so', language: 'so', contactChannel: 'sms', purposeRef: `municipal-id.application:${id}` });
    expect((await appointmentsApi(t.ctx).getBooking(appointmentCode))?.bookingId).toBe(row.appointment_id);

    // The status page says so; coming back with the code shows the appointment instead of new choices.
    const status = await browser.post(`${BASE}/status`, { code: reference });
    expect(status.body).toContain(m('so', 'municipalId.status.appointment-booked'));
    const again = await browser.post(BOOK, { code: reference });
    expect(again.body).toContain(m('so', 'municipalId.book.existing.title'));
    expect(radioValues(again.body, 'day')).toEqual([]);
    // Booking a second time with the same code is refused and books nothing.
    const twice = await browser.post(`${BOOK}/book`, { code: reference, day, start: starts[1] as string });
    expect(twice.statusCode).toBe(409);
    expect((await t.ctx.db.kysely.selectFrom('id_applications').select('appointment_id').where('id', '=', id).executeTakeFirstOrThrow()).appointment_id).toBe(row.appointment_id);
  });

  it('offers other times when the last seat was just taken, and refuses bad codes and tampered choices', async () => {
    const first = await applied('es', 'Ana Pérez');
    const second = await applied('en', 'Li Wei');
    const days = await first.browser.post(BOOK, { code: first.reference });
    const day = radioValues(days.body, 'day')[2] as string;
    const starts = radioValues((await first.browser.post(`${BOOK}/times`, { code: first.reference, day })).body, 'start');
    const start = starts[0] as string;
    // Both saw the time free; the second books it first.
    expect((await second.browser.post(`${BOOK}/book`, { code: second.reference, day, start })).statusCode).toBe(200);
    const late = await first.browser.post(`${BOOK}/book`, { code: first.reference, day, start });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain(m('es', 'municipalId.book.full'));
    expect(radioValues(late.body, 'start')).not.toContain(start);
    expect((await t.ctx.db.kysely.selectFrom('id_applications').select('status').where('id', '=', first.id).executeTakeFirstOrThrow()).status).toBe('received');

    const b = first.browser;
    const blank = await b.post(BOOK, { code: '' });
    expect(blank.statusCode).toBe(422);
    expect(blank.body).toContain(m('es', 'municipalId.book.codeRequired'));
    const malformed = await b.post(BOOK, { code: 'HELLO' });
    expect(malformed.statusCode).toBe(422);
    expect(malformed.body).toContain(m('es', 'municipalId.book.codeInvalid'));
    // A well-formed code of no application.
    const unknown = await b.post(BOOK, { code: referenceCode() });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain(m('es', 'municipalId.book.notFound'));
    const noDay = await b.post(`${BOOK}/times`, { code: first.reference, day: 'nonsense' });
    expect(noDay.statusCode).toBe(422);
    expect(noDay.body).toContain(m('es', 'municipalId.book.dayRequired'));
    const noTime = await b.post(`${BOOK}/book`, { code: first.reference, day });
    expect(noTime.statusCode).toBe(422);
    expect(noTime.body).toContain(m('es', 'municipalId.book.timeRequired'));
    const offGrid = await b.post(`${BOOK}/book`, { code: first.reference, day, start: '2026-12-02T15:07:00.000Z' });
    expect(offGrid.statusCode).toBe(422);
    // Inputs the pages do not have are refused, and a code never travels in a URL.
    expect((await b.post(BOOK, { code: first.reference, admin: '1' })).statusCode).toBe(400);
    expect((await b.get(`${BOOK}?code=${first.reference}`)).statusCode).toBe(422);
    expect((await t.ctx.db.kysely.selectFrom('id_applications').select('status').where('id', '=', first.id).executeTakeFirstOrThrow()).status).toBe('received');
  });

  it('cannot book once enrolled, and forgets the booking with the application', async () => {
    const { browser, reference, id } = await applied('hmn', 'Xee Vang');
    const day = radioValues((await browser.post(BOOK, { code: reference })).body, 'day')[3] as string;
    const start = radioValues((await browser.post(`${BOOK}/times`, { code: reference, day })).body, 'start')[0] as string;
    expect((await browser.post(`${BOOK}/book`, { code: reference, day, start })).statusCode).toBe(200);
    const bookingId = (await t.ctx.db.kysely.selectFrom('id_applications').select('appointment_id').where('id', '=', id).executeTakeFirstOrThrow()).appointment_id as string;
    // Cancelled in the appointments module: the status page says to book again, and booking is open again.
    await appointmentsApi(t.ctx).cancel({ bookingId });
    expect((await browser.post(`${BASE}/status`, { code: reference })).body).toContain(m('hmn', 'municipalId.status.received.detail'));
    expect(radioValues((await browser.post(BOOK, { code: reference })).body, 'day').length).toBeGreaterThan(0);
    await inTransaction(t.ctx.db, (tx) => markEnrolled(t.ctx, tx, id, SYSTEM));
    const closed = await browser.post(BOOK, { code: reference });
    expect(closed.statusCode).toBe(200);
    expect(closed.body).toContain(m('hmn', 'municipalId.book.notOpen', { status: t.ctx.messages.format('hmn', 'municipalId.status.enrolled') }));

    await inTransaction(t.ctx.db, (tx) => decide(t.ctx, tx, id, 'approved', 'documents-verified', SYSTEM));
    clock.advance(31 * 86_400_000);
    await t.ctx.retention.purge({ only: ['municipal-id.application'] });
    expect(await t.ctx.db.kysely.selectFrom('id_applications').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    expect(await appointmentsApi(t.ctx).getBookingById(bookingId)).toBeNull();
    clock.advance(-31 * 86_400_000);
  });
});
