import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import { localDate } from '../../src/core/jurisdiction/index.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { LANGS, checkA11y, focused, htmlLang, useBrowserHarness } from './harness.ts';

/**
 * The shared page frame and components of core/views on a phone (390px) and a desktop (1280px), in Chromium
 * under axe in four languages: the staff menu is on screen and reached by Tab on a phone (no script needed);
 * the header keeps the language list on one row beside the site name on a desktop and inside the page's margin
 * on a phone; after a failed POST the error summary has the focus and names each field; a reference code stays
 * on one line; tables scroll in a named, focusable region; chart text is at least 12px and labels never overlap.
 */
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
let staffSession = '';

async function setup(ctx: AppContext): Promise<void> {
  const { userId } = await provisionStaffUser(ctx, {
    email: 'layout@city.example',
    displayName: 'Layout',
    roles: ['legal-defense-staff'],
    password: 'correct horse battery staple',
    passwordHash: await hashPassword('correct horse battery staple'),
    totpSecret: generateTotpSecret(),
  });
  staffSession = await createSession(ctx, { userId, factor: 'totp' });
}

const h = useBrowserHarness({ setup });

async function staffPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await h().newContext({ viewport });
  await context.addCookies([{ name: SESSION_COOKIE, value: staffSession, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The boxes of the elements a selector matches, as drawn. */
async function boxes(page: Page, selector: string): Promise<Box[]> {
  return page.evaluate<Box[]>(
    `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; })`,
  );
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Text of the focused element's staff-menu entry, or '' when the focus is elsewhere. */
async function focusedMenuEntry(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => { const e = document.activeElement; return e && e.closest('nav.sanctuary-staff-nav') ? e.textContent.trim() : ''; })()`);
}

/**
 * Every chart text's size on screen (its font size times the drawing's scale), and whether any two axis labels
 * of one chart overlap, as Chromium lays them out.
 */
async function chartText(page: Page): Promise<{ smallest: number; texts: number; overlaps: string[] }> {
  return page.evaluate<{ smallest: number; texts: number; overlaps: string[] }>(`(() => {
    let smallest = Infinity, texts = 0; const overlaps = [];
    for (const svg of document.querySelectorAll('svg.sanctuary-chart__svg')) {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      for (const t of svg.querySelectorAll('text')) { texts++; smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale); }
      const labels = [...svg.querySelectorAll('text.sanctuary-chart__label')].map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
      for (let i = 1; i < labels.length; i++) {
        const a = labels[i - 1].r, b = labels[i].r;
        if (a.right > b.left && b.right > a.left && a.bottom > b.top && b.bottom > a.top) overlaps.push(labels[i - 1].text + ' / ' + labels[i].text);
      }
    }
    return { smallest, texts, overlaps };
  })()`);
}

describe('the page frame and shared components on a phone and a desktop', () => {
  for (const lang of LANGS) {
    it(`"${lang}": staff menu on a phone, header, error summary, reference code and table, all under axe`, async () => {
      const page = await staffPage(PHONE);
      await page.goto(h().url(`/staff/legal-defense?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      // The staff menu is on screen: staff home, the program, sign out.
      const entries = await boxes(page, 'nav.sanctuary-staff-nav a, nav.sanctuary-staff-nav button');
      expect(entries.length).toBeGreaterThanOrEqual(3);
      for (const e of entries) {
        expect(e.width).toBeGreaterThan(0);
        expect(e.height).toBeGreaterThanOrEqual(24); // WCAG 2.5.8 target size
        expect(e.x).toBeGreaterThanOrEqual(0);
        expect(e.x + e.width).toBeLessThanOrEqual(PHONE.width);
      }
      // …and Tab from the top of the page reaches each entry of it, sign-out included.
      const reached = new Set<string>();
      for (let i = 0; i < 20 && reached.size < entries.length; i++) {
        await page.keyboard.press('Tab');
        const entry = await focusedMenuEntry(page);
        if (entry) reached.add(entry);
      }
      expect(reached.size).toBe(entries.length);
      expect(await focused(page)).toContain('sanctuary-signout');
      // The language list sits inside the page's margin, not flush with the screen's edge.
      const languages = await boxes(page, 'nav.sanctuary-languages li');
      expect(Math.min(...languages.map((l) => l.x))).toBeGreaterThanOrEqual(16);
      await checkA11y(page);

      // The phone-intake screen posted empty: the summary has the focus (not the first field the page focuses on
      // arrival) and each entry names its field.
      await page.goto(h().url(`/staff/legal-defense/intake?lang=${lang}`));
      expect(await focused(page)).toContain('givenName');
      await page.locator('form#intake-form button[type="submit"]').click();
      await page.waitForSelector('#error-summary');
      expect(await focused(page)).toContain('#error-summary');
      const summary = await page.evaluate<Array<{ text: string; label: string }>>(`[...document.querySelectorAll('#error-summary a')].map((a) => {
        const id = a.getAttribute('href').slice(1);
        const label = document.querySelector('label[for="' + id + '"]') || document.querySelector('fieldset[id="' + id + '"] > legend');
        return { text: a.textContent.trim(), label: label ? label.textContent.trim().replace(/\\s+/g, ' ') : '' };
      })`);
      expect(summary.length).toBeGreaterThan(1);
      for (const entry of summary) {
        expect(entry.label).not.toBe('');
        expect(entry.text.startsWith(entry.label.replace(/:$/, ''))).toBe(true);
        expect(entry.text.length).toBeGreaterThan(entry.label.length);
      }
      expect(new Set(summary.map((e) => e.text)).size).toBe(summary.length);
      await checkA11y(page);

      // A report saved: its reference code on one line, inside the screen.
      const today = localDate(h().ctx.jurisdiction, h().ctx.now());
      for (const [name, value] of [['givenName', 'Ana'], ['familyName', `Phone ${lang}`], ['detainedOn', today], ['detainedPlace', 'Lake Street'], ['contactName', 'Luis'], ['contactPhone', '612 555 0142']]) {
        await page.locator(`#field-${name}`).fill(value as string);
      }
      await page.locator('form#intake-form button[type="submit"]').click();
      await page.waitForSelector('.usa-alert--success .sanctuary-reference');
      const code = await page.evaluate<{ height: number; lineHeight: number; right: number; text: string }>(`(() => {
        const e = document.querySelector('.sanctuary-reference'); const r = e.getBoundingClientRect();
        return { height: r.height, lineHeight: parseFloat(getComputedStyle(e).lineHeight), right: r.right, text: e.textContent.trim() };
      })()`);
      expect(code.text).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
      expect(code.height).toBeLessThan(code.lineHeight * 1.5);
      expect(code.right).toBeLessThanOrEqual(PHONE.width);
      await checkA11y(page);

      // The queue's table scrolls in a region named by its caption that a keyboard can reach.
      await page.goto(h().url(`/staff/legal-defense?lang=${lang}`));
      const regions = page.locator('.sanctuary-table-scroll');
      expect(await regions.count()).toBeGreaterThan(0);
      expect(await regions.first().getAttribute('role')).toBe('region');
      expect(await regions.first().getAttribute('tabindex')).toBe('0');
      expect(await regions.first().getAttribute('aria-label')).toBe((await regions.first().locator('caption').innerText()).trim());
      await checkA11y(page);

      // On a desktop: the site name, the languages on one row, and the staff menu on a row of its own below.
      await page.setViewportSize(DESKTOP);
      const desktopLanguages = await boxes(page, 'nav.sanctuary-languages li');
      expect(new Set(desktopLanguages.map((l) => Math.round(l.y))).size).toBe(1);
      const [logo] = await boxes(page, '.usa-logo');
      const [menu] = await boxes(page, 'nav.sanctuary-staff-nav');
      expect(logo && menu && menu.y >= logo.y + logo.height).toBe(true);
      for (const l of desktopLanguages) expect(logo && overlap(logo, l)).toBe(false);
      await checkA11y(page);
    });
  }

  for (const lang of LANGS) {
    it(`"${lang}": chart text at least 12px on a phone, axis labels apart on a phone and a desktop, under axe`, async () => {
      const page = await h().newPage({ viewport: PHONE });
      await page.goto(h().url(`/legal-defense/outcomes?lang=${lang}`));
      expect(await page.locator('svg.sanctuary-chart__svg').count()).toBeGreaterThan(0);
      const phone = await chartText(page);
      expect(phone.texts).toBeGreaterThan(0);
      expect(phone.smallest).toBeGreaterThanOrEqual(12);
      expect(phone.overlaps).toEqual([]);
      // A chart wider than the phone scrolls inside a focusable region named by the chart's title.
      const region = page.locator('.sanctuary-chart__scroll').first();
      expect(await region.getAttribute('role')).toBe('region');
      expect(await region.getAttribute('tabindex')).toBe('0');
      expect(await region.getAttribute('aria-label')).toBe(await region.locator('svg > title').textContent());
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await checkA11y(page);
      await page.setViewportSize(DESKTOP);
      const desktop = await chartText(page);
      expect(desktop.smallest).toBeGreaterThanOrEqual(12);
      expect(desktop.overlaps).toEqual([]);
      await checkA11y(page);
    });
  }
});
