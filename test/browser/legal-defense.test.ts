import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LANGS, checkA11y, htmlLang, useBrowserHarness } from './harness.ts';

const h = useBrowserHarness();
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
});
