import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { fileRequest } from '../../src/modules/u-visa/u-visa.service.ts';
import { validRequest } from '../u-visa/u-visa-helpers.ts';
import { LANGS, checkA11y, useBrowserHarness } from './harness.ts';

/**
 * U/T visa pages in Chromium after the UX review: the certifying queue fits a 1280-pixel screen without
 * scrolling sideways (in four languages, with the longest cells the queue shows); a refused signing starts
 * with an error summary that takes the official to the list of items to complete; the Supplement B page in
 * Spanish marks the English item names and quotes the requester's Spanish words as Spanish — all under axe.
 */

let officialToken = '';
const ids: string[] = [];

async function setup(ctx: AppContext): Promise<void> {
  const official = await provisionStaffUser(ctx, {
    email: 'official@city.example',
    displayName: 'Lt. Dana Ruiz',
    roles: ['certifying-official'],
    password: 'correct horse battery staple',
    passwordHash: await hashPassword('correct horse battery staple'),
    totpSecret: generateTotpSecret(),
  });
  officialToken = await createSession(ctx, { userId: official.userId, factor: 'totp' });
  // The widest rows: overdue and expedited, the longest department name, both visa types, a long status.
  const day = 86_400_000;
  const samples: Array<[Record<string, unknown>, number]> = [
    [{ expedite: 'victim', expediteProofType: 'notice-to-appear', expediteProofDate: '2026-01-02', releaseDate: '2026-01-05', crimeDate: '2025-12-20' }, 40],
    [{ expedite: 'family-member', expediteProofType: 'hearing-notice', expediteProofDate: '2026-01-02', releaseDate: '2026-01-05', crimeDate: '2025-12-20' }, 1],
    [{ agency: 'city-attorney', crimes: ['stalking'], releaseDate: '2026-01-05', crimeDate: '2025-12-20' }, 3],
    [{ visaType: 'T', crimes: ['trafficking', 'involuntary-servitude'], releaseDate: '2026-01-05', crimeDate: '2025-12-20' }, 2],
    [{ agency: 'unknown', releaseDate: '2026-01-05', crimeDate: '2025-12-20' }, 5],
  ];
  for (const [raw, daysAgo] of samples) {
    const { id } = await fileRequest(ctx, { raw: validRequest(raw), channel: 'staff', filer: { kind: 'system' }, now: new Date(ctx.now().getTime() - daysAgo * day) });
    ids.push(id);
  }
}

const h = useBrowserHarness({ setup });

async function staffPage(width = 1280): Promise<Page> {
  const context = await h().newContext({ viewport: { width, height: 900 } });
  await context.addCookies([{ name: SESSION_COOKIE, value: officialToken, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

/** How far the queue table reaches beyond its container and the page, in CSS pixels (0 when it fits). */
async function overflow(page: Page): Promise<{ table: number; page: number }> {
  return page.evaluate(`(() => {
    const box = document.querySelector('main .usa-table-container--scrollable');
    const table = box && box.querySelector('table');
    return {
      table: box && table ? Math.max(0, Math.ceil(table.getBoundingClientRect().width) - box.clientWidth) : -1,
      page: Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth),
    };
  })()`);
}

describe('U/T visa staff pages after the UX review, in Chromium', () => {
  it('the queue fits a 1280-pixel screen without scrolling sideways, in every language', async () => {
    const page = await staffPage();
    for (const lang of LANGS) {
      await page.goto(h().url(`/staff/u-visa?lang=${lang}`));
      expect(await page.locator('main table tbody tr').count(), lang).toBe(ids.length);
      expect(await overflow(page), lang).toEqual({ table: 0, page: 0 });
      await checkA11y(page);
      // It fits on its own, not only because cells may wrap: with every cell kept on one line (USWDS's rule for
      // a scrollable table), only the queue's own wrapping text (visa, department, status) breaks.
      await page.evaluate(`document.querySelectorAll('main table td').forEach((td) => { td.style.whiteSpace = 'nowrap'; })`);
      expect(await overflow(page), `${lang}, cells on one line`).toEqual({ table: 0, page: 0 });
    }
  });

  it('a refused signing starts with an error summary that links to the items to complete; the Supplement B page marks languages', async () => {
    const page = await staffPage();
    const id = ids[0] ?? '';
    for (const lang of LANGS) {
      await page.goto(h().url(`/staff/u-visa/requests/${id}?lang=${lang}`));
      await page.locator(`main form[action="/staff/u-visa/requests/${id}/certify"] button[type="submit"]`).click();
      await page.waitForLoadState();
      // The summary is the first thing in the page's main content, before its heading.
      const summary = page.locator('main #error-summary');
      expect(await summary.count(), lang).toBe(1);
      const order = await page.evaluate(`(() => {
        const s = document.querySelector('main #error-summary');
        const h1 = document.querySelector('main h1');
        return Boolean(s && h1 && (s.compareDocumentPosition(h1) & Node.DOCUMENT_POSITION_FOLLOWING));
      })()`);
      expect(order, lang).toBe(true);
      await checkA11y(page);
      // Its link takes the official to the list, which names the blank items and links to Supplement B.
      await summary.locator('a[href="#field-supplement-incomplete"]').click();
      expect(page.url(), lang).toMatch(/#field-supplement-incomplete$/);
      const list = page.locator('#field-supplement-incomplete');
      expect(await list.locator(`a[href="/staff/u-visa/requests/${id}/supplement#field-helpfulnessDescription"]`).count(), lang).toBe(1);
      expect(await list.locator(`a[href="/staff/u-visa/requests/${id}/supplement#field-victimFamilyName"]`).count(), lang).toBe(0);
      if (lang !== 'en') expect(await list.locator('a span[lang="en"]').count(), lang).toBeGreaterThan(0);
      await list.locator(`a[href="/staff/u-visa/requests/${id}/supplement"]`).click();
      await page.waitForURL((url) => url.pathname === `/staff/u-visa/requests/${id}/supplement` && url.search === '');
      if (lang !== 'en') {
        expect(await page.locator('label[for="field-victimFamilyName"] > span[lang="en"]').count(), lang).toBe(1);
        expect(await page.locator('#field-officialRole > legend > span[lang="en"]').count(), lang).toBe(1);
      }
      // The requester's Spanish account: quoted beside the item, in Spanish, not in the English answer.
      expect(await page.locator('#field-helpfulnessDescription-hint q[lang="es"]').innerText(), lang).toContain('Llamó al 911');
      expect(await page.locator('textarea[name="helpfulnessDescription"]').inputValue(), lang).toBe('');
      await checkA11y(page);
    }
  });
});
