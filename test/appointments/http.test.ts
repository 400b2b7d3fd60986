import ICAL from 'ical.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { referenceCode } from '../../src/core/crypto/random.ts';
import { bookingsRepo } from '../../src/modules/appointments/bookings.repo.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { escaped, shownCode } from '../forms/forms-helpers.ts';
import { SERVICE, addSite, count, testClock } from './appointments-helpers.ts';

const TUESDAY = '2026-12-01';
const TUESDAY_9 = '2026-12-01T15:00:00.000Z';

describeEachDialect('appointments: public pages over HTTP', (dialect) => {
  let t: TestApp;
  const clock = testClock();
  let site = '';

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now, env: { BASE_URL: 'https://sanctuary.example.org' } });
    site = await addSite(t.ctx, { capacity: 1, languages: ['en', 'so', 'hmn'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  const dayUrl = (date: string) => `/appointments/book/${SERVICE}/${site}/${date}`;

  it('walks from the service list to a booked appointment with a reference code and an .ics file', async () => {
    const b = new TestBrowser(t.app);
    const home = await b.get('/appointments?lang=so');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('lang="so"');
    expect(home.body).toContain(`href="/appointments/book/${SERVICE}"`);
    const sites = await b.get(`/appointments/book/${SERVICE}`);
    expect(sites.body).toContain(`href="/appointments/book/${SERVICE}/${site}"`);
    expect(sites.body).toContain('Test Hall');
    const days = await b.get(`/appointments/book/${SERVICE}/${site}`);
    expect(days.statusCode).toBe(200);
    expect(days.body).toContain(`href="${dayUrl(TUESDAY)}"`);
    expect(days.body).not.toContain(`href="${dayUrl('2026-12-05')}"`); // Saturday: closed
    expect(days.body).toContain(`/appointments/book/${SERVICE}/${site}/waitlist`);
    const day = await b.get(dayUrl(TUESDAY));
    expect(day.statusCode).toBe(200);
    expect(day.body).toContain(`value="${TUESDAY_9}"`);
    expect(day.body).toContain('name="language"');
    expect(day.body).toContain('lang="hmn"');

    const res = await b.post(dayUrl(TUESDAY), { start: TUESDAY_9, language: 'so', contactChannel: 'email', email: 'qof.tijaabo@example.org', phone: '' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/appointments/confirmation');
    const confirmation = await b.get('/appointments/confirmation');
    expect(confirmation.statusCode).toBe(200);
    const code = shownCode(confirmation.body);
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
    expect(confirmation.body).toContain('href="/appointments/confirmation/appointment.ics"');
    // The code is never in a URL or a redirect.
    expect(String(res.headers.location)).not.toContain(code);

    const ics = await b.get('/appointments/confirmation/appointment.ics');
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.headers['content-disposition']).toBe('attachment; filename="appointment.ics"');
    expect(ics.body).not.toContain('qof.tijaabo@example.org');
    expect(ics.body).not.toContain(code);
    const event = new ICAL.Event(ICAL.Component.fromString(ics.body).getFirstSubcomponent('vevent') as ICAL.Component);
    expect(event.startDate.toJSDate().toISOString()).toBe(TUESDAY_9);
    expect(event.location).toContain('1 Test Plaza');
    expect(event.summary).toContain('Test Hall');
    expect(event.uid).toMatch(/@sanctuary\.example\.org$/);

    // The slot is now full: the day page no longer offers it.
    expect((await b.get(dayUrl(TUESDAY))).body).not.toContain(`value="${TUESDAY_9}"`);
    // Another browser has no receipt.
    expect((await new TestBrowser(t.app).get('/appointments/confirmation')).statusCode).toBe(410);
  });

  it('bad input: a translated 422 with the fields linked, nothing written; unknown places are 404', async () => {
    const b = new TestBrowser(t.app);
    const before = await count(t.ctx, 'appointment_bookings');
    const start = '2026-12-01T15:20:00.000Z';
    const cases: Array<[Record<string, string>, string]> = [
      [{ start, language: 'en', contactChannel: 'email', email: 'not-an-address' }, 'field-email'],
      [{ start, language: 'en', contactChannel: 'sms', phone: '12' }, 'field-phone'],
      [{ start, language: 'es', contactChannel: 'none' }, 'field-language'],
      [{ start: '2026-12-01T15:10:00.000Z', language: 'en', contactChannel: 'none' }, 'field-start'],
      [{ start: 'tomorrow', language: 'en', contactChannel: 'none' }, 'field-start'],
      [{ language: 'en', contactChannel: 'none' }, 'field-start'],
      [{ start, language: 'en', contactChannel: 'pigeon' }, 'field-contactChannel'],
    ];
    for (const [form, field] of cases) {
      const res = await b.post(`${dayUrl(TUESDAY)}?lang=hmn`, form);
      expect(res.statusCode, JSON.stringify(form)).toBe(422);
      expect(res.body, JSON.stringify(form)).toContain(`href="#${field}"`);
      expect(res.body).toContain('lang="hmn"');
    }
    expect((await b.post(dayUrl(TUESDAY), { start, language: 'en', contactChannel: 'none', extra: 'x' })).statusCode).toBe(422);
    expect(await count(t.ctx, 'appointment_bookings')).toBe(before);
    for (const url of [
      `/appointments/book/no-such-service`,
      `/appointments/book/${SERVICE}/01ARZ3NDEKTSV4RRFFQ69G5FAV`,
      `/appointments/book/${SERVICE}/not-an-id`,
      dayUrl('2026-02-30'),
      dayUrl('2027-06-01'),
      `/appointments/sites/01ARZ3NDEKTSV4RRFFQ69G5FAV/now-serving`,
    ]) {
      expect((await b.get(url)).statusCode, url).toBe(404);
    }
    expect((await b.post(`/appointments/book/${SERVICE}/01ARZ3NDEKTSV4RRFFQ69G5FAV/${TUESDAY}`, { start, language: 'en', contactChannel: 'none' })).statusCode).toBe(404);
  });

  it('200 concurrent bookings over HTTP for the last seat: one 303, 199 conflicts', async () => {
    const b = new TestBrowser(t.app);
    await b.get('/appointments');
    const start = '2026-12-03T16:20:00.000Z';
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => b.post(dayUrl('2026-12-03'), { start, language: 'en', contactChannel: 'none' })),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 303)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(199);
    const conflict = responses.find((r) => r.statusCode === 409);
    expect(conflict?.body).toContain(escaped(t.ctx.messages.format('en', 'appointments.error.slotTaken')));
    expect(await bookingsRepo.counter(t.ctx.db.kysely, { siteId: site, serviceId: SERVICE, startsAt: start })).toMatchObject({ booked: 1, capacity: 1 });
    expect(await t.ctx.db.kysely.selectFrom('appointment_bookings').select('id').where('starts_at', '=', start).execute()).toHaveLength(1);
  }, 120_000);

  it('manages a booking by reference code: see it, move it, cancel it; wrong codes are refused', async () => {
    const b = new TestBrowser(t.app);
    await b.post(dayUrl('2026-12-04'), { start: '2026-12-04T15:00:00.000Z', language: 'en', contactChannel: 'none' });
    const code = shownCode((await b.get('/appointments/confirmation')).body);

    const other = new TestBrowser(t.app);
    expect((await other.get('/appointments/manage/booking')).headers.location).toBe('/appointments/manage?expired=1');
    const malformed = await other.post('/appointments/manage', { code: 'ABCD-1234' });
    expect(malformed.statusCode).toBe(422);
    // A mistyped symbol is caught by the check symbol before any lookup.
    const typo = (code.startsWith('0') ? '1' : '0') + code.slice(1);
    expect((await other.post('/appointments/manage', { code: typo })).statusCode).toBe(422);
    // A well-formed code that nobody holds.
    const unknown = await other.post('/appointments/manage', { code: referenceCode() });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('href="#field-code"');
    const ok = await other.post('/appointments/manage', { code: code.toLowerCase().replace(/-/g, ' ') });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/appointments/manage/booking');
    const page = await other.get('/appointments/manage/booking');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/appointments/manage/reschedule"');
    expect(page.body).not.toContain(code);

    const days = await other.get('/appointments/manage/reschedule');
    expect(days.body).toContain('href="/appointments/manage/reschedule/2026-12-07"');
    const times = await other.get('/appointments/manage/reschedule/2026-12-07');
    expect(times.body).toContain('value="2026-12-07T16:00:00.000Z"');
    const moved = await other.post('/appointments/manage/reschedule/2026-12-07', { start: '2026-12-07T16:00:00.000Z' });
    expect(moved.headers.location).toBe('/appointments/manage/booking?changed=rescheduled');
    const ics = await other.get('/appointments/manage/booking/appointment.ics');
    const event = new ICAL.Event(ICAL.Component.fromString(ics.body).getFirstSubcomponent('vevent') as ICAL.Component);
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-07T16:00:00.000Z');
    expect(event.sequence).toBe(1);

    expect((await other.get('/appointments/manage/cancel')).statusCode).toBe(200);
    const cancelled = await other.post('/appointments/manage/cancel', {});
    expect(cancelled.headers.location).toBe('/appointments/manage/booking?changed=cancelled');
    const after = await other.get('/appointments/manage/booking?changed=cancelled');
    expect(after.body).not.toContain('href="/appointments/manage/cancel"');
    expect((await bookingsRepo.counter(t.ctx.db.kysely, { siteId: site, serviceId: SERVICE, startsAt: '2026-12-07T16:00:00.000Z' }))?.booked).toBe(0);

    const done = await other.post('/appointments/manage/done', {});
    expect(done.headers.location).toBe('/appointments');
    expect((await other.get('/appointments/manage/booking')).statusCode).toBe(303);
  });

  it('joins the waiting list and leaves it with its code (forgotten for real)', async () => {
    const b = new TestBrowser(t.app);
    const form = await b.get(`/appointments/book/${SERVICE}/${site}/waitlist?lang=so`);
    expect(form.statusCode).toBe(200);
    const bad = await b.post(`/appointments/book/${SERVICE}/${site}/waitlist`, { fromDate: '2026-12-10', toDate: '2026-12-09', language: 'so', contactChannel: 'none' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-toDate"');
    expect(bad.body).toContain('href="#field-contactChannel"');
    const res = await b.post(`/appointments/book/${SERVICE}/${site}/waitlist`, { fromDate: '2026-12-08', toDate: '2026-12-10', language: 'so', contactChannel: 'sms', phone: '(612) 555-0177', email: '' });
    expect(res.headers.location).toBe('/appointments/waitlist/confirmation');
    const code = shownCode((await b.get('/appointments/waitlist/confirmation')).body);
    const rows = await t.ctx.db.kysely.selectFrom('appointment_waitlist').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ from_date: '2026-12-08', to_date: '2026-12-10', contact_channel: 'sms', status: 'waiting', locale: 'so' });
    const contact = await t.ctx.vault.open(rows[0]?.id ?? '', rows[0]?.contact_sealed ?? '', { table: 'appointment_waitlist', column: 'contact_sealed', rowId: rows[0]?.id ?? '' });
    expect(JSON.parse(contact)).toEqual({ channel: 'sms', value: '+16125550177' });

    const manage = new TestBrowser(t.app);
    expect((await manage.post('/appointments/manage', { code })).headers.location).toBe('/appointments/manage/waitlist');
    expect((await manage.get('/appointments/manage/waitlist')).statusCode).toBe(200);
    const left = await manage.post('/appointments/manage/waitlist/leave', {});
    expect(left.headers.location).toBe('/appointments/manage?left=1');
    expect(await count(t.ctx, 'appointment_waitlist')).toBe(0);
    expect(await t.ctx.vault.subjectStatus(rows[0]?.id ?? '')).toBe('forgotten');
  });

  it('the now-serving display shows ticket numbers only', async () => {
    const res = await new TestBrowser(t.app).get(`/appointments/sites/${site}/now-serving`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="now-serving"');
    expect(res.body).toContain('/assets/app/appointments-now-serving.js');
    expect((await new TestBrowser(t.app).get('/assets/app/appointments-now-serving.js')).statusCode).toBe(200);
  });
});
