import { afterAll, beforeAll, expect, it } from 'vitest';
import { book } from '../../src/modules/appointments/bookings.service.ts';
import { addWalkIn } from '../../src/modules/appointments/walkins.service.ts';
import { weeklyReport } from '../../src/modules/appointments/reports.service.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { escaped } from '../forms/forms-helpers.ts';
import { SERVICE, addSite, testClock } from './appointments-helpers.ts';

const DAY = '/staff/appointments';

describeEachDialect('appointments: staff pages', (dialect) => {
  let t: TestApp;
  const clock = testClock();
  let site = '';
  const refs: Array<{ bookingId: string; reference: string }> = [];

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
    site = await addSite(t.ctx, { capacity: 2 });
    refs.push(await book(t.ctx, { service: SERVICE, siteId: site, start: '2026-12-01T15:00:00.000Z', locale: 'so', language: 'so', contact: { channel: 'email', value: 'staff.view@example.org' } }));
    refs.push(await book(t.ctx, { service: SERVICE, siteId: site, start: '2026-12-01T15:20:00.000Z', locale: 'en' }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the pages from anonymous visitors and from roles without the permission', async () => {
    expect((await new TestBrowser(t.app).get(DAY)).statusCode).toBe(303);
    const attorney = await signInAs(t, 'partner-attorney');
    for (const url of [DAY, `${DAY}/bookings/${refs[0]?.bookingId}`, `${DAY}/walk-ins`, `${DAY}/sites`, `${DAY}/reports`]) {
      expect((await attorney.get(url)).statusCode, url).toBe(403);
    }
    const desk = await signInAs(t, 'office-staff');
    expect((await desk.get(`${DAY}/sites`)).statusCode).toBe(403);
    expect((await desk.post(`${DAY}/sites`, { name: 'X', address: 'Y', languages: 'en' })).statusCode).toBe(403);
  });

  it('the day view lists times, reference hints, services, languages and statuses — no contact values', async () => {
    const desk = await signInAs(t, 'office-staff');
    const res = await desk.get(`${DAY}?site=${site}&date=2026-12-01`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`${refs[0]?.reference.slice(0, 4)}-…`);
    expect(res.body).not.toContain(refs[0]?.reference ?? 'x');
    expect(res.body).not.toContain('staff.view@example.org');
    expect(res.body).toContain(`href="/staff/appointments/bookings/${refs[0]?.bookingId}"`);
    expect(res.body).toContain(escaped(t.ctx.messages.format('en', 'appointments.status.booked')));
    expect((await desk.get(`${DAY}?site=01ARZ3NDEKTSV4RRFFQ69G5FAV`)).statusCode).toBe(404);
    expect((await desk.get(`${DAY}?date=yesterday`)).statusCode).toBe(422);
  });

  it('opening a booking shows its contact and records the read in the audit log', async () => {
    const desk = await signInAs(t, 'program-staff');
    const id = refs[0]?.bookingId ?? '';
    const res = await desk.get(`${DAY}/bookings/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('staff.view@example.org');
    const reads = await t.ctx.db.kysely.selectFrom('audit_log').select(['actor_id', 'actor_role', 'purpose']).where('record_id', '=', id).where('action', '=', 'record.read').execute();
    expect(reads).toContainEqual({ actor_id: desk.userId, actor_role: 'program-staff', purpose: 'case-work' });
    expect((await desk.get(`${DAY}/bookings/01ARZ3NDEKTSV4RRFFQ69G5FAV`)).statusCode).toBe(404);
    expect((await desk.get(`${DAY}/bookings/not-an-id`)).statusCode).toBe(404);
  });

  it('finds a booking by reference code and changes its status (arrived, served; no-show; undo)', async () => {
    const desk = await signInAs(t, 'office-staff');
    const found = await desk.post(`${DAY}/find`, { code: (refs[1]?.reference ?? '').toLowerCase() });
    expect(found.headers.location).toBe(`${DAY}/bookings/${refs[1]?.bookingId}`);
    expect((await desk.post(`${DAY}/find`, { code: 'nonsense' })).headers.location).toBe(`${DAY}?notFound=1`);
    const id = refs[1]?.bookingId ?? '';
    const arrived = await desk.post(`${DAY}/bookings/${id}/status`, { action: 'arrived', back: 'day' });
    expect(arrived.headers.location).toBe(`${DAY}?site=${site}&date=2026-12-01&updated=1`);
    expect((await desk.post(`${DAY}/bookings/${id}/status`, { action: 'served' })).headers.location).toBe(`${DAY}/bookings/${id}?updated=1`);
    const refused = await desk.post(`${DAY}/bookings/${id}/status`, { action: 'no-show' });
    expect(refused.statusCode).toBe(409);
    expect((await desk.post(`${DAY}/bookings/${id}/status`, { action: 'teleported' })).statusCode).toBe(422);
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').select('detail').where('record_id', '=', id).where('action', '=', 'record.update').execute();
    expect(audit.map((a) => a.detail)).toEqual(['status.arrived', 'status.served']);
  });

  it('runs the walk-in queue; the public display shows numbers only', async () => {
    const desk = await signInAs(t, 'office-staff');
    for (const language of ['so', 'es', 'so']) {
      const res = await desk.post(`${DAY}/walk-ins`, { site, language });
      expect(res.statusCode).toBe(303);
    }
    expect((await desk.post(`${DAY}/walk-ins`, { site, language: 'fr' })).statusCode).toBe(422);
    const queue = await desk.get(`${DAY}/walk-ins?site=${site}&ticket=3`);
    expect(queue.statusCode).toBe(200);
    // Call the next Spanish speaker: ticket 2, not 1.
    const call = await desk.post(`${DAY}/walk-ins/call`, { site, language: 'es' });
    expect(call.headers.location).toBe(`${DAY}/walk-ins?site=${site}&called=2`);
    expect((await desk.post(`${DAY}/walk-ins/call`, { site, language: 'hmn' })).headers.location).toBe(`${DAY}/walk-ins?site=${site}&called=none`);
    expect((await desk.post(`${DAY}/walk-ins/call`, { site, language: '' })).headers.location).toBe(`${DAY}/walk-ins?site=${site}&called=1`);
    const display = await new TestBrowser(t.app).get(`/appointments/sites/${site}/now-serving`);
    expect(display.body).toMatch(/data-now-serving-current="">\s*1\s*</);
    expect(display.body).toContain(escaped(t.ctx.messages.format('en', 'appointments.nowServing.waiting', { n: 1 })));
    const tickets = await t.ctx.db.kysely.selectFrom('appointment_walkins').select(['id', 'ticket', 'status']).orderBy('ticket').execute();
    expect(tickets.map((x) => `${x.ticket}:${x.status}`)).toEqual(['1:called', '2:called', '3:waiting']);
    const served = await desk.post(`${DAY}/walk-ins/${tickets[0]?.id}/status`, { status: 'served', site });
    expect(served.headers.location).toBe(`${DAY}/walk-ins?site=${site}`);
    // Two desks adding at once never share a number.
    await Promise.all(Array.from({ length: 10 }, () => addWalkIn(t.ctx, site, 'en')));
    const numbers = (await t.ctx.db.kysely.selectFrom('appointment_walkins').select('ticket').execute()).map((x) => x.ticket).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });

  it('administrators add a site, set hours, closures and capacity; bad input is a translated 422', async () => {
    const admin = await signInAs(t, 'admin');
    const bad = await admin.post(`${DAY}/sites`, { name: '', address: 'Somewhere', languages: ['en'], otherLanguages: 'xx-not-a-language', active: '1' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-name"');
    expect(bad.body).toContain('href="#field-otherLanguages"');
    const created = await admin.post(`${DAY}/sites`, { name: 'Northeast Library', address: '2200 Central Ave NE', languages: ['en', 'so'], otherLanguages: 'om, vi', active: '1', accessibility_en: 'Ramp at the side door.' });
    expect(created.statusCode).toBe(303);
    const id = /sites\/([0-9A-Z]{26})\?saved=details$/.exec(String(created.headers.location))?.[1] ?? '';
    expect(id).not.toBe('');
    const page = await admin.get(`${DAY}/sites/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="om, vi"');

    const badHours = await admin.post(`${DAY}/sites/${id}/hours`, { h2_0_opens: '12:00', h2_0_closes: '09:00' });
    expect(badHours.statusCode).toBe(422);
    expect(badHours.body).toContain('href="#field-h2_0_closes"');
    const hours = await admin.post(`${DAY}/sites/${id}/hours`, { h2_0_opens: '12:00', h2_0_closes: '14:00', h2_1_opens: '15:00', h2_1_closes: '16:00', h6_0_opens: '10:00', h6_0_closes: '11:00' });
    expect(hours.headers.location).toBe(`${DAY}/sites/${id}?saved=hours`);
    expect((await admin.post(`${DAY}/sites/${id}/services`, { service: SERVICE, capacity: '-1', active: '1' })).statusCode).toBe(422);
    expect((await admin.post(`${DAY}/sites/${id}/services`, { service: 'unknown-service', capacity: '1', active: '1' })).statusCode).toBe(422);
    expect((await admin.post(`${DAY}/sites/${id}/services`, { service: SERVICE, capacity: '2', active: '1' })).statusCode).toBe(303);
    expect((await admin.post(`${DAY}/sites/${id}/closures`, { fromDate: '2026-12-08', toDate: '', reason: 'weather' })).statusCode).toBe(303);
    expect((await admin.post(`${DAY}/sites/${id}/closures`, { fromDate: '2026-12-09', toDate: '2026-12-01', reason: 'weather' })).statusCode).toBe(422);

    // Residents now see it, with its languages, and Tuesday 8 December is closed.
    const days = await new TestBrowser(t.app).get(`/appointments/book/${SERVICE}/${id}`);
    expect(days.body).toContain(`/appointments/book/${SERVICE}/${id}/2026-12-01`);
    expect(days.body).not.toContain(`/appointments/book/${SERVICE}/${id}/2026-12-08`);
    expect(days.body).toContain(`/appointments/book/${SERVICE}/${id}/2026-12-05`);
    const sites = await new TestBrowser(t.app).get(`/appointments/book/${SERVICE}`);
    expect(sites.body).toContain('Northeast Library');
    expect(sites.body).toContain('lang="om"');
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').select(['action', 'detail', 'purpose']).where('record_id', '=', id).execute();
    expect(audit.map((a) => `${a.action}:${a.detail ?? ''}`)).toEqual(['record.create:', 'record.update:change.hours', 'record.update:change.capacity', 'record.update:change.closure']);
    expect(audit.every((a) => a.purpose === 'administration')).toBe(true);
  });

  it('reports weekly figures with small counts hidden', async () => {
    const staff = await signInAs(t, 'program-staff');
    const res = await staff.get(`${DAY}/reports`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(escaped(t.ctx.messages.format('en', 'appointments.reports.hidden')));
    const report = await weeklyReport(t.ctx, { weeks: 2 });
    const thisWeek = report.weeks.at(-1);
    // Two appointments this week: a count of 2 is never published.
    expect(thisWeek?.counts.appointments).toEqual({ suppressed: true, reason: 'primary' });
    expect(report.totals.appointments.suppressed).toBe(true);
    expect((await staff.get(`${DAY}/reports?site=01ARZ3NDEKTSV4RRFFQ69G5FAV`)).statusCode).toBe(404);
  });
});
