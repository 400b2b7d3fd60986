import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LANGS, checkA11y, checkA11yWithoutJs, focused, htmlLang, useBrowserHarness } from './harness.ts';

const h = useBrowserHarness();
const BASE = '/forms/office-help';

/** Picks a radio option the way a person does: by its label (USWDS draws its own control over the hidden input). */
async function choose(page: Page, name: string, value: string): Promise<void> {
  const id = await page.locator(`input[name="${name}"][value="${value}"]`).getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
  expect(await page.locator(`input[name="${name}"][value="${value}"]`).isChecked()).toBe(true);
}

describe('the Office form in a real browser', () => {
  for (const lang of LANGS) {
    it(`"${lang}": every page of the form, errors included, with no axe violation`, async () => {
      const page = await h().newPage();
      await page.goto(h().url(`${BASE}?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);

      await page.locator('main form[action$="/start"] button[type="submit"]').click();
      await page.waitForURL(/\/topic$/);
      expect(await page.locator('h1').count()).toBe(1);
      await checkA11y(page);

      // Continue without an answer: the error summary appears, links to the field, and passes axe.
      await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
      await page.waitForURL(/\/topic$/);
      expect(await page.locator('#error-summary a[href="#field-topic"]').count()).toBe(1);
      await checkA11y(page);
      await page.locator('#error-summary a[href="#field-topic"]').click();

      await choose(page, 'topic', 'housing');
      await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
      await page.waitForURL(/\/description$/);
      await page.locator('textarea[name="description"]').fill('The landlord threatens me.\nPlease call in the evening.');
      await checkA11y(page);
      await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
      await page.waitForURL(/\/language$/);
      await choose(page, 'language', lang);
      await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
      await page.waitForURL(/\/contact$/);
      await choose(page, 'contactMethod', 'email');
      await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
      await page.waitForURL(/\/email$/);
      await page.locator('input[name="email"]').fill('not an address');
      await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
      expect(await page.locator('#field-email-error').count()).toBe(1);
      await checkA11y(page);
      await page.locator('input[name="email"]').fill('person@example.org');
      await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
      await page.waitForURL(/\/name$/);
      await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
      await page.waitForURL(/\/check$/);
      expect(await page.locator('main').innerText()).toContain('person@example.org');
      await checkA11y(page);

      await page.locator(`main form[action="${BASE}/submit"] button[type="submit"]`).click();
      await page.waitForURL(/\/confirmation$/);
      const code = (await page.locator('.sanctuary-reference').innerText()).replace(/\s+/g, '');
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);

      await page.goto(h().url(`${BASE}/status`));
      await page.locator('input[name="code"]').fill(code);
      await page.locator('main form button[type="submit"]').click();
      expect(await page.locator('.sanctuary-status').count()).toBe(1);
      await checkA11y(page);
    });
  }

  it('works without JavaScript: save, resume on another device, send', async () => {
    const phone = await h().newPage({ javaScriptEnabled: false });
    await phone.goto(h().url(`${BASE}?lang=so`));
    await phone.locator('main form[action$="/start"] button[type="submit"]').click();
    await phone.waitForURL(/\/topic$/);
    await choose(phone, 'topic', 'id');
    await phone.locator('form.sanctuary-step button[name="_action"][value="save"]').click();
    const code = (await phone.locator('.sanctuary-reference').innerText()).replace(/\s+/g, '');
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
    await checkA11yWithoutJs(h(), phone);

    const laptop = await h().newPage({ javaScriptEnabled: false });
    await laptop.goto(h().url(`${BASE}/resume?lang=so`));
    await checkA11yWithoutJs(h(), laptop);
    await laptop.locator('input[name="code"]').fill(code);
    await laptop.locator('main form button[type="submit"]').click();
    await laptop.waitForURL(/\/description$/);
    // Keyboard: the question is reachable, and the first Tab still goes to the skip link.
    await laptop.keyboard.press('Tab');
    expect(await focused(laptop)).toMatch(/^a\.usa-skipnav\b/);
    await laptop.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
    await laptop.waitForURL(/\/language$/);
    await choose(laptop, 'language', 'other');
    await laptop.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
    await laptop.waitForURL(/\/other-language$/);
    await laptop.locator('input[name="languageOther"]').fill('Oromo');
    await laptop.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
    await laptop.waitForURL(/\/contact$/);
    await choose(laptop, 'contactMethod', 'none');
    await laptop.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
    await laptop.waitForURL(/\/name$/);
    await laptop.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
    await laptop.waitForURL(/\/check$/);
    await checkA11yWithoutJs(h(), laptop);
    await laptop.locator(`main form[action="${BASE}/submit"] button[type="submit"]`).click();
    await laptop.waitForURL(/\/confirmation$/);
    await checkA11yWithoutJs(h(), laptop);
  });
});
