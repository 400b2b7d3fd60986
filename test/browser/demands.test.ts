import { describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession, hashToken, recordStepUp } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { DemandService } from '../../src/core/privacy/demands.service.ts';
import { DisclosureSourceRegistry } from '../../src/core/privacy/demands.sources.ts';
import { LANGS, checkA11y, checkA11yWithoutJs, htmlLang, useBrowserHarness } from './harness.ts';

/**
 * The outside-demand pages and the public transparency report in Chromium: axe WCAG 2.2 AA in the four
 * languages, with and without JavaScript, including the register form with its error summary.
 */

let counselToken = '';
let demandId = '';
let declinedId = '';

async function setup(ctx: AppContext): Promise<void> {
  const { userId } = await provisionStaffUser(ctx, {
    email: 'counsel@city.example',
    displayName: 'Counsel Example',
    roles: ['counsel', 'admin'],
    password: 'correct horse battery staple',
    passwordHash: await hashPassword('correct horse battery staple'),
    totpSecret: generateTotpSecret(),
  });
  counselToken = await createSession(ctx, { userId, factor: 'passkey' });
  await recordStepUp(ctx, hashToken(counselToken));
  const service = new DemandService(ctx, new DisclosureSourceRegistry());
  const actor = { userId, roles: ['counsel', 'admin'] as const };
  const base = {
    formNumber: 'none' as const,
    agencyKind: 'ice' as const,
    agencyName: 'ICE ERO St. Paul',
    channel: 'in_person' as const,
    receivedAt: '2026-05-04T15:00:00.000Z',
    receivedBy: userId,
    servedOn: 'front_desk' as const,
    issuedByCourt: 'no' as const,
    signedByJudge: 'no' as const,
    requester: 'Officer R. Example, badge 1234',
    description: 'One page, DHS caption, asks for an address.',
  };
  demandId = (await service.register(actor, { ...base, type: 'judicial_warrant', issuedByCourt: 'yes', signedByJudge: 'unknown', courtName: 'District Court' })).id;
  declinedId = (await service.register(actor, { ...base, type: 'administrative_warrant', formNumber: 'I-200' })).id;
  // Enough demands in past quarters for the chart to show bars and hidden figures.
  for (let i = 0; i < 14; i++) await service.register(actor, { ...base, type: 'administrative_subpoena', receivedAt: `2026-0${(i % 3) + 7}-1${i % 9}T15:00:00.000Z` });
  for (let i = 0; i < 3; i++) await service.register(actor, { ...base, type: 'detainer', formNumber: 'I-247A', receivedAt: '2026-04-20T15:00:00.000Z' });
}

const h = useBrowserHarness({ setup });

async function staffPage() {
  const context = await h().newContext();
  await context.addCookies([{ name: SESSION_COOKIE, value: counselToken, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

describe('transparency report in Chromium', () => {
  for (const lang of LANGS) {
    it(`${lang}: the report, its chart and tables pass axe, with and without JavaScript`, async () => {
      const page = await h().newPage();
      await page.goto(h().url(`/transparency/demands?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      expect(await page.locator('svg[role="img"] > title').count()).toBe(1);
      expect(await page.locator('table').count()).toBeGreaterThan(0);
      await checkA11y(page);
      const noJs = await h().newPage({ javaScriptEnabled: false });
      await noJs.goto(h().url(`/transparency/demands?lang=${lang}`));
      await checkA11yWithoutJs(h(), noJs);
    });
  }
});

describe('demand pages for staff in Chromium', () => {
  for (const lang of LANGS) {
    it(`${lang}: register, list, review and a declined demand pass axe`, async () => {
      const page = await staffPage();
      await page.goto(h().url(`/staff/demands?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      expect(page.url()).toContain('/staff/demands');
      await checkA11y(page);
      await page.goto(h().url(`/staff/demands/${demandId}`));
      await checkA11y(page);
      await page.goto(h().url(`/staff/demands/${declinedId}`));
      await checkA11y(page);
      await page.goto(h().url('/staff/demands/new'));
      await checkA11y(page);
      // Submitting the empty form shows the error summary, which must be accessible too.
      await page.locator('form.sanctuary-demand-form button[type="submit"]').click();
      await page.waitForLoadState('load');
      expect(await page.locator('#error-summary').count()).toBe(1);
      await checkA11y(page);
    });
  }

  it('without JavaScript: the review page works and approving is a plain form', async () => {
    const context = await h().newContext({ javaScriptEnabled: false });
    await context.addCookies([{ name: SESSION_COOKIE, value: counselToken, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    await page.goto(h().url(`/staff/demands/${demandId}?lang=en`));
    expect(await page.locator('form[action$="/decline"]').count()).toBe(1);
    await checkA11yWithoutJs(h(), page);
  });
});
