import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import { referenceCode } from '../../src/core/crypto/random.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { createApplication } from '../../src/modules/municipal-id/application/application.service.ts';
import { MUNICIPAL_ID_ENROLMENT } from '../../src/modules/appointments/api.ts';
import { createSite, setHours, setServiceCapacity } from '../../src/modules/appointments/sites.service.ts';
import { importAddressPoints } from '../../src/modules/municipal-id/residency/address-import.ts';
import { FIXTURE } from '../municipal-id/application-helpers.ts';
import { LANGS, checkA11y, checkA11yWithoutJs, htmlLang, useBrowserHarness } from './harness.ts';

/**
 * The municipal ID application in Chromium on a small phone: every page of the form and of the booking, errors
 * included, in the four languages with axe WCAG 2.2 AA; the whole thing again in Somali with JavaScript off;
 * and the staff page that places an address by hand, with its map.
 */

const BASE = '/forms/municipal-id';
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const SYSTEM = { userId: null, role: 'system' } as const;
let staffToken = '';

async function setup(ctx: AppContext): Promise<void> {
  await importAddressPoints(ctx.db, { file: FIXTURE });
  const site = await createSite(ctx, SYSTEM, {
    name: 'City Hall — Room 1',
    address: '350 S 5th St, Minneapolis, MN 55415',
    languages: ['en', 'es', 'so', 'hmn'],
    accessibility: { en: 'Step-free entrance on 4th Street.' },
    active: true,
  });
  // Open every day, so that the test finds free times whatever day it runs.
  await setHours(ctx, SYSTEM, site, [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: 8 * 60, closes: 18 * 60 })));
  await setServiceCapacity(ctx, SYSTEM, site, { serviceId: MUNICIPAL_ID_ENROLMENT, capacity: 5, active: true });
  const { userId } = await provisionStaffUser(ctx, {
    email: 'clerk@city.example',
    displayName: 'Clerk Example',
    roles: ['program-staff'],
    password: 'correct horse battery staple',
    passwordHash: await hashPassword('correct horse battery staple'),
    totpSecret: generateTotpSecret(),
  });
  staffToken = await createSession(ctx, { userId, factor: 'totp' });
}

const h = useBrowserHarness({ setup });

/** Ticks a radio or checkbox the way a person does: by its label (USWDS draws its own control). */
async function tick(page: Page, name: string, value: string): Promise<void> {
  const id = await page.locator(`input[name="${name}"][value="${value}"]`).getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
  expect(await page.locator(`input[name="${name}"][value="${value}"]`).isChecked()).toBe(true);
}

async function next(page: Page, url: RegExp): Promise<void> {
  await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
  await page.waitForURL(url);
}

/** Fills the form from the first question to the check page, checking each page with `check`. */
async function fillForm(page: Page, check: (page: Page) => Promise<void>, options: { errors: boolean }): Promise<void> {
  await page.locator('main form[action$="/start"] button[type="submit"]').click();
  await page.waitForURL(/\/lives-in-city$/);
  await check(page);
  if (options.errors) {
    // No answer: the error summary, linked to the question.
    await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
    expect(await page.locator('#error-summary a[href="#field-livesInCity"]').count()).toBe(1);
    await check(page);
  }
  await tick(page, 'livesInCity', 'yes');
  await next(page, /\/residency-days$/);
  await check(page);
  await tick(page, 'residencyDays', 'enough');
  await next(page, /\/name$/);
  await check(page);
  await page.locator('input[name="name"]').fill('Hodan Cabdi Warsame');
  await next(page, /\/birth-date$/);
  await check(page);
  if (options.errors) {
    await page.locator('input[name="birthDate-day"]').fill('31');
    await page.locator('input[name="birthDate-month"]').fill('2');
    await page.locator('input[name="birthDate-year"]').fill('1991');
    await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
    expect(await page.locator('#field-birthDate .usa-error-message').count()).toBe(1);
    await check(page);
  }
  await page.locator('input[name="birthDate-day"]').fill('14');
  await page.locator('input[name="birthDate-month"]').fill('6');
  await page.locator('input[name="birthDate-year"]').fill('1991');
  await next(page, /\/housing$/);
  await check(page);
  await tick(page, 'housing', 'address');
  await next(page, /\/address$/);
  await check(page);
  if (options.errors) {
    // Saint Paul: outside the city.
    await page.locator('input[name="street"]').fill('75 Rev Dr Martin Luther King Jr Blvd');
    await page.locator('input[name="zip"]').fill('55155');
    await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
    expect(await page.locator('#error-summary a[href="#field-street"]').count()).toBe(1);
    await check(page);
  }
  await page.locator('input[name="street"]').fill('350 South Fifth Street');
  await page.locator('input[name="zip"]').fill('55415');
  await next(page, /\/documents$/);
  await check(page);
  if (options.errors) {
    // Short of points: the errors and the tally.
    await tick(page, 'documents', 'pay-stub');
    await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
    expect(await page.locator('#step-panel .sanctuary-step-panel__missing').count()).toBeGreaterThan(0);
    await check(page);
  }
  await tick(page, 'documents', 'foreign-passport');
  if (!(await page.locator('input[name="documents"][value="utility-bill"]').isChecked())) await tick(page, 'documents', 'utility-bill');
  await next(page, /\/gender$/);
  await check(page);
  await tick(page, 'gender', 'x');
  await next(page, /\/veteran$/);
  await check(page);
  await next(page, /\/language$/);
  await check(page);
  await tick(page, 'language', 'so');
  await next(page, /\/contact$/);
  await check(page);
  await tick(page, 'contactMethod', 'text');
  await next(page, /\/phone$/);
  await check(page);
  await page.locator('input[name="phone"]').fill('612 555 0142');
  await next(page, /\/fee$/);
  await check(page);
  await tick(page, 'feeWaiver', 'low-income');
  await next(page, /\/check$/);
  await check(page);
}

/** From the confirmation page: book the first free time. */
async function book(page: Page, check: (page: Page) => Promise<void>): Promise<void> {
  await page.locator('form.sanctuary-confirmation-action button[type="submit"]').click();
  await page.waitForURL(/\/municipal-id\/appointment$/);
  await check(page);
  const dayId = await page.locator('input[name="day"]').first().getAttribute('id');
  await page.locator(`label[for="${dayId}"]`).click();
  await page.locator('main form button[type="submit"]').click();
  await page.waitForURL(/\/municipal-id\/appointment\/times$/);
  await check(page);
  const timeId = await page.locator('input[name="start"]').first().getAttribute('id');
  await page.locator(`label[for="${timeId}"]`).click();
  await page.locator('main form button[type="submit"]').click();
  await page.waitForURL(/\/municipal-id\/appointment\/book$/);
  expect(await page.locator('.sanctuary-reference').count()).toBe(1);
  await check(page);
}

describe('the municipal ID application in a real browser', () => {
  for (const lang of LANGS) {
    it(`"${lang}": every page on a small phone, errors included, passes axe; the application is sent and booked`, async () => {
      const page = await h().newPage(PHONE);
      await page.goto(h().url(`${BASE}?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
      // Nothing wider than the phone's screen.
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
      await fillForm(page, (p) => checkA11y(p), { errors: lang === 'so' || lang === 'es' });
      await page.locator(`main form[action="${BASE}/submit"] button[type="submit"]`).click();
      await page.waitForURL(/\/confirmation$/);
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
      const code = (await page.locator('.sanctuary-reference').innerText()).replace(/\s+/g, '');
      await book(page, (p) => checkA11y(p));
      await page.goto(h().url(`${BASE}/status`));
      await page.locator('input[name="code"]').fill(code);
      await page.locator('main form button[type="submit"]').click();
      expect(await page.locator('.sanctuary-status').count()).toBe(1);
      await checkA11y(page);
    });
  }

  it('works in Somali with JavaScript off, from the first page to the booked appointment', async () => {
    const page = await h().newPage({ ...PHONE, javaScriptEnabled: false });
    await page.goto(h().url(`${BASE}?lang=so`));
    await checkA11yWithoutJs(h(), page);
    let n = 0;
    // axe on every third page keeps the run short; the JavaScript run above checks every page.
    await fillForm(page, async (p) => (n++ % 3 === 0 ? checkA11yWithoutJs(h(), p) : undefined), { errors: true });
    await page.locator(`main form[action="${BASE}/submit"] button[type="submit"]`).click();
    await page.waitForURL(/\/confirmation$/);
    await checkA11yWithoutJs(h(), page);
    await book(page, (p) => checkA11yWithoutJs(h(), p));
    expect(await htmlLang(page)).toBe('so');
  });

  it('staff place an address by hand on the map page, which passes axe', async () => {
    // An application with an address the county file lacks, made through the same service as the form.
    const ctx = h().ctx;
    const id = await inTransaction(ctx.db, (tx) =>
      createApplication(ctx, tx, {
        answers: {
          livesInCity: 'yes',
          residencyDays: 'enough',
          name: 'Li Wei',
          birthDate: '1980-02-02',
          housing: 'address',
          street: '1 Nonexistent Way',
          zip: '55408',
          documents: ['foreign-passport', 'residential-lease'],
          language: 'en',
          contactMethod: 'none',
          feeWaiver: 'none',
        },
        reference: referenceCode(),
        now: ctx.now(),
        locale: 'en',
      }),
    );
    const context = await h().newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: staffToken, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
    const staff = await context.newPage();
    for (const lang of LANGS) {
      await staff.goto(h().url(`/staff/municipal-id/locations?lang=${lang}`));
      await checkA11y(staff);
      await staff.goto(h().url(`/staff/municipal-id/locations/${id}`));
      expect(await staff.locator('svg[role="img"] > title').count()).toBe(1);
      await checkA11y(staff);
    }
    await staff.locator('select[name="precinct"]').selectOption('7-11');
    await staff.locator('main form button[type="submit"]').click();
    await staff.waitForURL(/\?saved=1$/);
    expect(await staff.locator('.usa-alert--success').count()).toBe(1);
    expect(await staff.locator('path.sanctuary-map__precinct--on').count()).toBe(1);
    await checkA11y(staff);
  });
});
