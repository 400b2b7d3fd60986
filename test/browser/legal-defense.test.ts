import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { addProvider, linkAttorney } from '../../src/modules/legal-defense/legal-defense.assignment.ts';
import { LANGS, checkA11y, focused, htmlLang, useBrowserHarness } from './harness.ts';

/**
 * Detention defense in Chromium: the public "report a detention" form in four languages with axe on every page
 * (an error included) to its reference code; the phone-intake screen filled with the keyboard alone (the first
 * question focused, Tab through, Enter saves) and the staff queue, case, providers and an attorney's case pages,
 * all under axe in four languages.
 */
let staffSession = '';
let attorneySession = '';

async function account(ctx: AppContext, email: string, role: 'legal-defense-staff' | 'partner-attorney'): Promise<string> {
  const { userId } = await provisionStaffUser(ctx, {
    email,
    displayName: email.split('@')[0] ?? email,
    roles: [role],
    password: 'correct horse battery staple',
    passwordHash: await hashPassword('correct horse battery staple'),
    totpSecret: generateTotpSecret(),
  });
  return userId;
}

async function setup(ctx: AppContext): Promise<void> {
  const staffId = await account(ctx, 'intake@city.example', 'legal-defense-staff');
  staffSession = await createSession(ctx, { userId: staffId, factor: 'totp' });
  const attorneyId = await account(ctx, 'attorney@legal.example', 'partner-attorney');
  attorneySession = await createSession(ctx, { userId: attorneyId, factor: 'totp' });
  const actor = { userId: staffId, role: 'legal-defense-staff' as const };
  const provider = await addProvider(ctx, actor, { name: 'Centro Legal', capacity: 50, languages: ['en', 'es', 'so', 'hmn'], available: true });
  await linkAttorney(ctx, actor, provider, attorneyId);
}

const h = useBrowserHarness({ setup });

async function signedIn(session: string): Promise<Page> {
  const context = await h().newContext();
  await context.addCookies([{ name: SESSION_COOKIE, value: session, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}
const BASE = '/forms/legal-defense-report';

async function choose(page: Page, name: string, value: string): Promise<void> {
  const id = await page.locator(`input[name="${name}"][value="${value}"]`).getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
  expect(await page.locator(`input[name="${name}"][value="${value}"]`).isChecked()).toBe(true);
}

async function next(page: Page, step: string): Promise<void> {
  await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
  await page.waitForURL((u) => u.pathname.endsWith(`/${step}`));
  await checkA11y(page);
}

describe('report a detention in a real browser', () => {
  for (const lang of LANGS) {
    it(`"${lang}": every page of the form, an error included, with no axe violation, to the reference code`, async () => {
      const page = await h().newPage();
      await page.goto(h().url(`${BASE}?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
      await page.locator('main form[action$="/start"] button[type="submit"]').click();
      await page.waitForURL(/\/reporter$/);
      await checkA11y(page);
      await choose(page, 'reporterRole', 'family');
      await next(page, 'who');
      await page.locator('input[name="givenName"]').fill('Rosa');
      await page.locator('input[name="familyName"]').fill(`Browser ${lang}`);
      await next(page, 'birth');
      await next(page, 'when-where');
      await page.locator('input[name="detainedOn-day"]').fill('19');
      await page.locator('input[name="detainedOn-month"]').fill('11');
      await page.locator('input[name="detainedOn-year"]').fill('2026');
      await page.locator('input[name="detainedPlace"]').fill('Lake Street');
      await next(page, 'facility');
      await choose(page, 'facility', 'unknown');
      await next(page, 'a-number');
      // A wrong A-number: the error summary links to the field and the page still passes axe.
      await page.locator('input[name="aNumber"]').fill('A12');
      await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
      expect(await page.locator('#error-summary a[href="#field-aNumber"]').count()).toBe(1);
      await checkA11y(page);
      await page.locator('input[name="aNumber"]').fill('');
      await next(page, 'language');
      await choose(page, 'personLanguage', 'es');
      await next(page, 'residence');
      await choose(page, 'livesInCity', 'yes');
      await next(page, 'address');
      await next(page, 'contact');
      await page.locator('input[name="contactName"]').fill('Luis');
      await next(page, 'contact-method');
      await choose(page, 'contactMethod', 'sms');
      await next(page, 'contact-phone');
      await page.locator('input[name="contactPhone"]').fill('612 555 0142');
      await next(page, 'contact-consent');
      await choose(page, 'contactConsent', 'yes');
      await next(page, 'check');
      await page.locator(`main form[action="${BASE}/submit"] button[type="submit"]`).click();
      await page.waitForURL(/\/confirmation$/);
      const code = (await page.locator('.sanctuary-reference').innerText()).replace(/\s+/g, '');
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
      await page.close();
    });
  }

  for (const lang of LANGS) {
    it(`"${lang}": the phone-intake screen with the keyboard alone, then the queue, the case, providers and the attorney's case under axe`, async () => {
      const page = await signedIn(staffSession);
      await page.goto(h().url(`/staff/legal-defense/intake?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
      // The first question has the focus: type, Tab, type — no mouse.
      expect(await focused(page)).toContain('givenName');
      await page.keyboard.type('Keyboard');
      await page.keyboard.press('Tab');
      await page.keyboard.type(`Caller ${lang}`);
      await page.keyboard.press('Tab'); // other names
      await page.keyboard.press('Tab'); // date of birth
      await page.keyboard.type('1984-04-04');
      await page.keyboard.press('Tab'); // day taken
      expect(await focused(page)).toContain('detainedOn');
      await page.keyboard.type('2026-11-19');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Cedar Avenue');
      for (const name of ['facility', 'facilityOther', 'aNumber', 'personLanguage', 'livesInCity', 'street', 'zip', 'reporterRole', 'contactName']) {
        await page.keyboard.press('Tab');
        expect(await focused(page)).toContain(name);
      }
      await page.keyboard.type('Ana');
      await page.keyboard.press('Tab'); // relationship
      await page.keyboard.press('Tab'); // contact method (phone)
      await page.keyboard.press('Tab');
      expect(await focused(page)).toContain('contactPhone');
      await page.keyboard.type('612 555 0142');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.usa-alert--success');
      const reference = (await page.locator('.sanctuary-reference').innerText()).replace(/\s+/g, '');
      expect(reference).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
      // Ready for the next call: the form is empty and the first question focused again.
      expect(await page.locator('#field-givenName').inputValue()).toBe('');
      expect(await focused(page)).toContain('givenName');
      await checkA11y(page);

      // The case it opened (waiting for staff: residency "not sure"), the queue and the providers.
      await page.locator('.usa-alert--success a').click();
      await page.waitForURL(/\/staff\/legal-defense\/cases\//);
      await checkA11y(page);
      const caseUrl = new URL(page.url()).pathname;
      await page.goto(h().url(`/staff/legal-defense?lang=${lang}`));
      await checkA11y(page);
      await page.goto(h().url(`/staff/legal-defense/providers?lang=${lang}`));
      await checkA11y(page);
      // Eligible by attestation: offered to the provider, whose attorney sees it.
      await page.goto(h().url(`${caseUrl}?lang=${lang}`));
      await choose(page, 'decision', 'eligible');
      await choose(page, 'basis', 'attestation');
      await page.locator('form[action$="/eligibility"] button[type="submit"]').click();
      await page.waitForURL(/done=eligibility/);
      await checkA11y(page);
      const attorney = await signedIn(attorneySession);
      await attorney.goto(h().url(`/staff/legal-defense/assigned?lang=${lang}`));
      await checkA11y(attorney);
      await attorney.goto(h().url(`${caseUrl.replace('/cases/', '/assigned/')}?lang=${lang}`));
      expect(await attorney.locator('form[action$="/accept"]').count()).toBe(1);
      await checkA11y(attorney);
    });
  }
});
