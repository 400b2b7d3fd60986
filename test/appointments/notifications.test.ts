import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ICAL from 'ical.js';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { JobWorker } from '../../src/core/jobs/job-worker.ts';
import { createLogger } from '../../src/core/log.ts';
import { bookingsRepo } from '../../src/modules/appointments/bookings.repo.ts';
import { book, cancel } from '../../src/modules/appointments/bookings.service.ts';
import { joinWaitlist } from '../../src/modules/appointments/waitlist.service.ts';
import { TestBrowser } from '../helpers/app.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';
import { shownCode } from '../forms/forms-helpers.ts';
import { SERVICE, addSite, count, testClock } from './appointments-helpers.ts';

/**
 * Messages of appointments, sent by the real job worker through a real SMTP server on a fake clock:
 * confirmation and reminders (2 days and 2 hours before) in the booked language with an `.ics` file parsed
 * back with ical.js; waiting-list offers with a claim link that holds the seat for two hours, then passes
 * to the next person.
 */
describeEachDialect('appointments: reminders and waiting-list offers by email', (dialect) => {
  let database: TestDatabase;
  let built: Awaited<ReturnType<typeof buildApp>>;
  const clock = testClock();
  let smtp: SMTPServer;
  let smtpUrl = '';
  const mails: ParsedMail[] = [];
  let site = '';
  let worker: JobWorker;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, cb) {
        simpleParser(stream)
          .then((mail) => {
            mails.push(mail);
            cb();
          })
          .catch((err: Error) => cb(err));
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => smtp.close(() => r())));

  beforeEach(async () => {
    clock.set('2026-11-30T15:00:30.000Z');
    mails.length = 0;
    database = await createTestDatabase(dialect);
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        DATA_DIR: path.join(database.dir, 'data'),
        KEY_FILE: path.join(database.dir, 'keys', 'kek.json'),
        DEMO: 'false',
        RATE_LIMIT: 'false',
        SMTP_URL: smtpUrl,
        JOB_WORKER: 'false',
        LOG_LEVEL: 'silent',
        BASE_URL: 'https://sanctuary.example.org',
      },
      { database: database.target },
    );
    built = await buildApp({ config, db: database.db, logger: createLogger({ level: 'silent' }), now: clock.now });
    site = await addSite(built.ctx, { capacity: 1, languages: ['en', 'es', 'so', 'hmn'] });
    worker = new JobWorker({ queue: built.ctx.jobs, ctx: built.ctx });
  });
  afterEach(async () => {
    await built.close();
    await database.drop();
  });

  /** Runs every due job, then sends what they queued. */
  async function tick(): Promise<void> {
    await worker.drain();
    await built.ctx.notifier.deliverDue({ limit: 500 });
  }

  function calendarOf(mail: ParsedMail): ICAL.Event {
    const file = mail.attachments.find((a) => a.filename === 'appointment.ics');
    expect(file?.contentType).toBe('text/calendar');
    return new ICAL.Event(ICAL.Component.fromString((file?.content ?? Buffer.alloc(0)).toString('utf8')).getFirstSubcomponent('vevent') as ICAL.Component);
  }

  it('confirmation, then reminders 2 days and 2 hours before, in Somali with the .ics attached', async () => {
    const { ctx } = built;
    const start = '2026-12-03T15:00:00.000Z'; // Thursday 09:00 in Minneapolis
    const booked = await book(ctx, { service: SERVICE, siteId: site, start, locale: 'so', contact: { channel: 'email', value: 'xasan@example.org' } });
    await book(ctx, { service: SERVICE, siteId: site, start: '2026-12-03T15:20:00.000Z', locale: 'es', contact: { channel: 'sms', value: '+16125550100' } });
    await tick();
    expect(mails).toHaveLength(1);
    const confirmation = mails[0] as ParsedMail;
    expect(confirmation.to && 'text' in confirmation.to ? confirmation.to.text : '').toBe('xasan@example.org');
    expect(confirmation.text).toContain(booked.reference);
    expect(calendarOf(confirmation).startDate.toJSDate().toISOString()).toBe(start);

    // Nothing more until two days before.
    clock.set('2026-12-01T14:55:30.000Z');
    await tick();
    expect(mails).toHaveLength(1);
    clock.set('2026-12-01T15:20:30.000Z');
    await tick();
    expect(mails).toHaveLength(2);
    const reminder = mails[1] as ParsedMail;
    const values = (m: ParsedMail) => m.headers.get('content-language');
    expect(values(reminder)).toBe('so');
    const prefix = (locale: 'so' | 'en') => ctx.messages.format(locale, 'appointments.notify.reminder.subject', { day: 'X', time: 'Y' }).split('X')[0] ?? '';
    expect(prefix('so')).not.toBe(prefix('en'));
    expect(reminder.subject?.startsWith(prefix('so'))).toBe(true);
    // Thursday 3 December in Somali.
    expect(reminder.subject).toContain('Khamiis, 3 Desembar');
    expect(reminder.text).not.toContain(booked.reference);
    const event = calendarOf(reminder);
    expect(event.startDate.toJSDate().toISOString()).toBe(start);
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-03T15:20:00.000Z');
    expect(event.summary).toContain(ctx.messages.format('so', 'appointments.service.municipal-id-enrolment.title'));
    expect(event.location).toBe('Test Hall, 1 Test Plaza, Minneapolis, MN 55401');
    expect(event.uid).toBe(`${booked.bookingId}@sanctuary.example.org`);
    // Running again sends nothing twice.
    await tick();
    expect(mails).toHaveLength(2);

    clock.set('2026-12-03T13:20:30.000Z');
    await tick();
    expect(mails).toHaveLength(3);
    expect(calendarOf(mails[2] as ParsedMail).startDate.toJSDate().toISOString()).toBe(start);
    clock.set('2026-12-03T16:00:30.000Z');
    await tick();
    expect(mails).toHaveLength(3);
    expect((await bookingsRepo.findById(ctx.db.kysely, booked.bookingId))?.next_reminder_at).toBeNull();
    // The SMS booking got its confirmation and two reminders as text messages (log provider: sent, not emailed).
    const sms = await ctx.db.kysely.selectFrom('notify_messages').select(['template', 'status', 'locale']).where('channel', '=', 'sms').orderBy('created_at').execute();
    expect(sms.map((m) => `${m.template}:${m.status}:${m.locale}`)).toEqual([
      'appointments.notify.booked:sent:es',
      'appointments.notify.reminder:sent:es',
      'appointments.notify.reminder:sent:es',
    ]);
    // Each reminder's decryption of the contact is in the audit log (system, notification).
    const reads = await ctx.db.kysely.selectFrom('audit_log').select(['purpose', 'detail']).where('record_id', '=', booked.bookingId).where('action', '=', 'record.read').execute();
    expect(reads).toEqual([
      { purpose: 'notification', detail: 'message.reminder' },
      { purpose: 'notification', detail: 'message.reminder' },
    ]);
  });

  it('a freed seat is offered to the first person waiting, held two hours, then passed on; the claim link books it', async () => {
    const { ctx, app } = built;
    const day = '2026-12-02';
    // Fill Wednesday completely (nine slots, one seat each).
    const { sites } = await (await import('../../src/modules/appointments/api.ts')).appointmentsApi(ctx).listAvailability({ service: SERVICE, siteId: site, from: day, to: day });
    const slots = sites[0]?.days[0]?.slots ?? [];
    expect(slots).toHaveLength(9);
    const bookings = [];
    for (const s of slots) bookings.push(await book(ctx, { service: SERVICE, siteId: site, start: s.start, locale: 'en' }));
    const waiting = async (who: string, locale: 'en' | 'hmn') =>
      joinWaitlist(ctx, { service: SERVICE, siteId: site, fromDate: day, toDate: day, locale, language: locale, contact: { channel: 'email', value: who } });
    const first = await waiting('first@example.org', 'hmn');
    clock.advance(60_000);
    await waiting('second@example.org', 'en');
    await tick();
    expect(mails).toHaveLength(0); // the day is full: nothing to offer

    // The 10:00 booking is cancelled: its seat goes to the first person waiting, in Hmong.
    const freed = bookings[3];
    await cancel(ctx, { bookingId: freed?.bookingId ?? '' }, { userId: null, role: 'resident' });
    await tick();
    expect(mails.map((m) => (m.to && 'text' in m.to ? m.to.text : ''))).toEqual(['first@example.org']);
    expect(mails[0]?.headers.get('content-language')).toBe('hmn');
    const link = /https:\/\/sanctuary\.example\.org(\/appointments\/claim\/[A-Za-z0-9_-]{43})/.exec(mails[0]?.text ?? '')?.[1] ?? '';
    expect(link).not.toBe('');
    // The seat is held: the public day page does not offer it.
    const key = { siteId: site, serviceId: SERVICE, startsAt: freed?.start ?? '' };
    expect((await bookingsRepo.counter(ctx.db.kysely, key))?.booked).toBe(1);
    const browser = new TestBrowser(app);
    expect((await browser.get(`/appointments/book/${SERVICE}/${site}/${day}`)).body).not.toContain(`value="${freed?.start}"`);
    expect((await browser.get(link)).statusCode).toBe(200);

    // Two hours pass without a claim: the offer goes to the second person.
    clock.advance(2 * 3_600_000 + 60_000);
    await tick();
    expect(mails).toHaveLength(2);
    expect(mails[1]?.to && 'text' in mails[1].to ? mails[1].to.text : '').toBe('second@example.org');
    expect((await browser.get(link)).statusCode).toBe(410);
    const link2 = /(\/appointments\/claim\/[A-Za-z0-9_-]{43})/.exec(mails[1]?.text ?? '')?.[1] ?? '';

    // The second person books it through the link (GET shows, POST books).
    const claimer = new TestBrowser(app);
    expect((await claimer.get(link2)).statusCode).toBe(200);
    const claimed = await claimer.post(link2, { decision: 'accept' });
    expect(claimed.statusCode).toBe(303);
    expect(claimed.headers.location).toBe('/appointments/confirmation');
    const confirmation = await claimer.get('/appointments/confirmation');
    const code = shownCode(confirmation.body);
    expect(code).toMatch(/^[0-9A-Z]{4}-/);
    expect((await bookingsRepo.counter(ctx.db.kysely, key))?.booked).toBe(1);
    const rows = await ctx.db.kysely.selectFrom('appointment_bookings').select(['id', 'status', 'contact_channel']).where('starts_at', '=', freed?.start ?? '').execute();
    expect(rows.map((r) => r.status).sort()).toEqual(['booked', 'cancelled']);
    // The claimer left the list; the first person is still on it (at the back), not offered that slot again.
    const left = await ctx.db.kysely.selectFrom('appointment_waitlist').select(['id', 'status', 'last_offer_starts_at']).execute();
    expect(left).toEqual([{ id: first.entryId, status: 'waiting', last_offer_starts_at: freed?.start }]);
    // A used link is gone.
    expect((await claimer.post(link2, { decision: 'accept' })).statusCode).toBe(410);
    await tick();
    // The booking made by the claim sent its own confirmation with the .ics.
    expect(calendarOf(mails.at(-1) as ParsedMail).startDate.toJSDate().toISOString()).toBe(freed?.start);

    // Another cancellation: offered to the first person, who declines; nobody else waits, so the seat is free.
    const freed2 = bookings[5];
    await cancel(ctx, { bookingId: freed2?.bookingId ?? '' }, { userId: null, role: 'resident' });
    await tick();
    const link3 = /(\/appointments\/claim\/[A-Za-z0-9_-]{43})/.exec(mails.at(-1)?.text ?? '')?.[1] ?? '';
    expect(mails.at(-1)?.to && 'text' in (mails.at(-1)?.to ?? {}) ? (mails.at(-1)?.to as { text: string }).text : '').toBe('first@example.org');
    const declined = await new TestBrowser(app).post(link3, { decision: 'decline' });
    expect(declined.headers.location).toBe('/appointments/claim/declined');
    await tick();
    expect((await bookingsRepo.counter(ctx.db.kysely, { ...key, startsAt: freed2?.start ?? '' }))?.booked).toBe(0);
    expect(await count(ctx, 'appointment_waitlist')).toBe(1);
    expect((await browser.get(`/appointments/book/${SERVICE}/${site}/${day}`)).body).toContain(`value="${freed2?.start}"`);
  });

  it('more capacity is offered to the waiting list', async () => {
    const { ctx } = built;
    const day = '2026-12-04';
    const api = (await import('../../src/modules/appointments/api.ts')).appointmentsApi(ctx);
    const slots = (await api.listAvailability({ service: SERVICE, siteId: site, from: day, to: day })).sites[0]?.days[0]?.slots ?? [];
    for (const s of slots) await book(ctx, { service: SERVICE, siteId: site, start: s.start, locale: 'en' });
    await joinWaitlist(ctx, { service: SERVICE, siteId: site, fromDate: day, toDate: day, locale: 'en', language: 'en', contact: { channel: 'email', value: 'wait@example.org' } });
    await tick();
    expect(mails).toHaveLength(0);
    const { setServiceCapacity } = await import('../../src/modules/appointments/sites.service.ts');
    await setServiceCapacity(ctx, { userId: null, role: 'system' }, site, { serviceId: SERVICE, capacity: 2, active: true });
    await tick();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('/appointments/claim/');
    // The earliest slot of the day was offered and is held.
    expect((await bookingsRepo.counter(ctx.db.kysely, { siteId: site, serviceId: SERVICE, startsAt: slots[0]?.start ?? '' }))).toMatchObject({ booked: 2, capacity: 2 });
  });
});
