import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/core/modules/context.ts';
import { MUNICIPAL_ID_ENROLMENT } from '../../src/modules/appointments/api.ts';
import { createSite, setHours, setServiceCapacity } from '../../src/modules/appointments/sites.service.ts';
import { addWalkIn, callNext } from '../../src/modules/appointments/walkins.service.ts';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import { listAvailability } from '../../src/modules/appointments/availability.service.ts';
import { book } from '../../src/modules/appointments/bookings.service.ts';
import { addDays } from '../../src/modules/appointments/zoned-time.ts';
import { checkA11y, checkA11yWithoutJs, htmlLang, useBrowserHarness } from './harness.ts';

const SYSTEM = { userId: null, role: 'system' } as const;
let siteId = '';
let adminToken = '';
let bookingId = '';
let bookedDate = '';

/** A site open every day 06:00–22:00 (so there are free times whatever the day the suite runs). */
async function setup(ctx: AppContext): Promise<void> {
  siteId = await createSite(ctx, SYSTEM, {
    name: 'Browser Test Hall',
    address: '350 S 5th St, Minneapolis, MN 55415',
    languages: ['en', 'es', 'so', 'hmn'],
    accessibility: { en: 'Step-free entrance on 4th Street.', so: 'Albaab aan jaranjaro lahayn.' },
    active: true,
  });
  await setHours(ctx, SYSTEM, siteId, [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: 6 * 60, closes: 22 * 60 })));
  await setServiceCapacity(ctx, SYSTEM, siteId, { serviceId: MUNICIPAL_ID_ENROLMENT, capacity: 5, active: true });
  await addWalkIn(ctx, siteId, 'so');
  await addWalkIn(ctx, siteId, 'hmn');
  await callNext(ctx, siteId);
  const { userId } = await provisionStaffUser(ctx, {
    email: 'appointments.admin@city.example',
    displayName: 'Appointments Admin',
    roles: ['admin'],
    password: 'correct horse battery staple',
    passwordHash: await hashPassword('correct horse battery staple'),
    totpSecret: generateTotpSecret(),
  });
  adminToken = await createSession(ctx, { userId, factor: 'passkey' });
  const today = new Date().toISOString().slice(0, 10);
  const { sites } = await listAvailability(ctx, { service: MUNICIPAL_ID_ENROLMENT, siteId, from: today, to: addDays(today, 10) });
  const day = sites[0]?.days[1] ?? sites[0]?.days[0];
  bookedDate = day?.date ?? today;
  const slot = day?.slots[0]?.start ?? '';
  bookingId = (await book(ctx, { service: MUNICIPAL_ID_ENROLMENT, siteId, start: slot, locale: 'so', contact: { channel: 'email', value: 'staff.axe@example.org' } })).bookingId;
}

const h = useBrowserHarness({ setup });
/** A small phone (iPhone SE size). */
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** Picks a radio option the way a person does: by its label (USWDS draws its own control). */
async function choose(page: Page, name: string, value?: string): Promise<void> {
  const input = value ? page.locator(`input[name="${name}"][value="${value}"]`) : page.locator(`input[name="${name}"]`).first();
  const id = await input.getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
  expect(await input.isChecked()).toBe(true);
}

async function submit(page: Page): Promise<void> {
  await page.locator('main form.usa-form button[type="submit"]').first().click();
  await page.waitForLoadState('domcontentloaded');
}

/** Books the first free time of the first free day, with an email contact; returns the reference code. */
async function bookOnce(page: Page, lang: string, check: (p: Page) => Promise<void>): Promise<string> {
  await page.goto(h().url(`/appointments?lang=${lang}`));
  expect(await htmlLang(page)).toBe(lang);
  await check(page);
  await page.locator(`main a[href="/appointments/book/${MUNICIPAL_ID_ENROLMENT}"]`).click();
  await page.waitForURL((url) => url.pathname === `/appointments/book/${MUNICIPAL_ID_ENROLMENT}`);
  await check(page);
  await page.locator(`main a[href="/appointments/book/${MUNICIPAL_ID_ENROLMENT}/${siteId}"]`).click();
  await page.waitForURL((url) => url.pathname.endsWith(`/${siteId}`));
  await check(page);
  await page.locator('main ul.sanctuary-day-list a').first().click();
  await page.waitForURL(/\/\d{4}-\d{2}-\d{2}$/);
  await check(page);

  // Send with the time and the email missing: errors, linked from the summary, in the page language.
  await choose(page, 'contactChannel', 'email');
  await submit(page);
  expect(await page.locator('#error-summary a[href="#field-start"]').count()).toBe(1);
  expect(await page.locator('#error-summary a[href="#field-email"]').count()).toBe(1);
  expect(await htmlLang(page)).toBe(lang);
  await check(page);

  await choose(page, 'start');
  await choose(page, 'language', lang);
  await page.locator('input[name="email"]').fill(`tijaabo.${lang}@example.org`);
  await submit(page);
  await page.waitForURL(/\/appointments\/confirmation$/);
  const code = (await page.locator('.sanctuary-reference').innerText()).replace(/\s+/g, '');
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
  expect(await htmlLang(page)).toBe(lang);
  await check(page);
  return code;
}

describe('appointments in a real browser, on a small phone', () => {
  for (const lang of ['so', 'hmn'] as const) {
    it(`"${lang}": books, downloads the .ics, moves and cancels by reference code — axe on every page`, async () => {
      const context = await h().newContext({ ...PHONE, acceptDownloads: true });
      const page = await context.newPage();
      const code = await bookOnce(page, lang, (p) => checkA11y(p));

      // The calendar file downloads.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('main a[href$="appointment.ics"]').click()]);
      expect(download.suggestedFilename()).toBe('appointment.ics');

      // Nothing on the page is wider than the phone.
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);

      // Manage with the code, on another "device".
      const other = await (await h().newContext({ ...PHONE })).newPage();
      await other.goto(h().url(`/appointments/manage?lang=${lang}`));
      await checkA11y(other);
      await other.locator('input[name="code"]').fill('XXXX');
      await submit(other);
      expect(await other.locator('#error-summary a[href="#field-code"]').count()).toBe(1);
      await checkA11y(other);
      await other.locator('input[name="code"]').fill(code.toLowerCase());
      await submit(other);
      await other.waitForURL(/\/appointments\/manage\/booking$/);
      await checkA11y(other);
      await other.locator('main a[href="/appointments/manage/reschedule"]').click();
      await other.waitForURL(/\/manage\/reschedule$/);
      await checkA11y(other);
      await other.locator('main ul.sanctuary-day-list a').nth(1).click();
      await other.waitForURL(/\/manage\/reschedule\/\d{4}-\d{2}-\d{2}$/);
      await checkA11y(other);
      await choose(other, 'start');
      await submit(other);
      await other.waitForURL(/changed=rescheduled$/);
      await checkA11y(other);
      await other.locator('main a[href="/appointments/manage/cancel"]').click();
      await other.waitForURL(/\/manage\/cancel$/);
      await checkA11y(other);
      await other.locator('main form[action="/appointments/manage/cancel"] button').click();
      await other.waitForURL(/changed=cancelled$/);
      expect(await htmlLang(other)).toBe(lang);
      await checkA11y(other);
    });
  }

  it('the waiting list, an expired confirmation and the now-serving display pass axe in Somali and Hmong', async () => {
    for (const lang of ['so', 'hmn']) {
      const page = await h().newPage(PHONE);
      await page.goto(h().url(`/appointments/book/${MUNICIPAL_ID_ENROLMENT}/${siteId}/waitlist?lang=${lang}`));
      await checkA11y(page);
      await choose(page, 'contactChannel', 'sms');
      await page.locator('input[name="phone"]').fill('12');
      await submit(page);
      expect(await page.locator('#error-summary a[href="#field-phone"]').count()).toBe(1);
      await checkA11y(page);
      await page.locator('input[name="phone"]').fill('612 555 0142');
      await submit(page);
      await page.waitForURL(/\/waitlist\/confirmation$/);
      await checkA11y(page);
      await page.goto(h().url(`/appointments/sites/${siteId}/now-serving?lang=${lang}`));
      expect(await page.locator('[data-now-serving-current]').innerText()).toBe('1');
      await checkA11y(page);
      const fresh = await h().newPage(PHONE);
      await fresh.goto(h().url(`/appointments/confirmation?lang=${lang}`));
      await checkA11y(fresh);
    }
  });

  it('staff pages (day, booking, walk-ins, sites, site edit with errors, reports) pass axe in English and Hmong', async () => {
    const context = await h().newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: adminToken, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    for (const lang of ['en', 'hmn']) {
      for (const url of [
        `/staff/appointments?site=${siteId}&date=${bookedDate}`,
        `/staff/appointments/bookings/${bookingId}`,
        `/staff/appointments/walk-ins?site=${siteId}`,
        '/staff/appointments/sites',
        `/staff/appointments/sites/${siteId}`,
        '/staff/appointments/sites/new',
        '/staff/appointments/reports',
      ]) {
        await page.goto(h().url(`${url}${url.includes('?') ? '&' : '?'}lang=${lang}`));
        expect(await htmlLang(page), url).toBe(lang);
        await checkA11y(page);
      }
      // A form with errors.
      await page.goto(h().url(`/staff/appointments/sites/new?lang=${lang}`));
      await page.locator('main form[action="/staff/appointments/sites"] button[type="submit"]').click();
      await page.waitForLoadState('domcontentloaded');
      expect(await page.locator('#error-summary a[href="#field-name"]').count()).toBe(1);
      await checkA11y(page);
    }
  });

  it('works without JavaScript: the whole booking in Somali, each page checked', async () => {
    const context = await h().newContext({ ...PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    const code = await bookOnce(page, 'so', (p) => checkA11yWithoutJs(h(), p));
    const manage = await (await h().newContext({ ...PHONE, javaScriptEnabled: false })).newPage();
    await manage.goto(h().url('/appointments/manage?lang=hmn'));
    await manage.locator('input[name="code"]').fill(code);
    await submit(manage);
    await manage.waitForURL(/\/appointments\/manage\/booking$/);
    await checkA11yWithoutJs(h(), manage);
    await manage.goto(h().url(`/appointments/sites/${siteId}/now-serving`));
    await checkA11yWithoutJs(h(), manage);
  });
});
