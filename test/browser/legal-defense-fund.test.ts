import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { acceptCase, addProvider, linkAttorney, offerCase } from '../../src/modules/legal-defense/legal-defense.assignment.ts';
import { addContract, addSource } from '../../src/modules/legal-defense/legal-defense.fund.ts';
import { cityDate, createReport, fileReport, parseReport } from '../../src/modules/legal-defense/legal-defense.service.ts';
import { LANGS, checkA11y, checkA11yWithoutJs, focused, htmlLang, useBrowserHarness } from './harness.ts';

/**
 * The fund in Chromium, in four languages with axe on every page: the provider's attorney enters time with the
 * keyboard alone, prepares an invoice without JavaScript and submits it; program staff approve it, look at the
 * fund, the source (its SVG chart and table), the contract, the invoices and the funder report, and amend the
 * source (money added) and the contract (a higher cap, after a refused one).
 */
let staffSession = '';
let attorneySession = '';
let caseId = '';
let sourceId = '';
let contractId = '';

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
  const staffId = await account(ctx, 'fund@city.example', 'legal-defense-staff');
  staffSession = await createSession(ctx, { userId: staffId, factor: 'totp' });
  const attorneyId = await account(ctx, 'billing@legal.example', 'partner-attorney');
  attorneySession = await createSession(ctx, { userId: attorneyId, factor: 'totp' });
  const staff = { userId: staffId, role: 'legal-defense-staff' as const };
  const provider = await addProvider(ctx, staff, { name: 'Centro Legal', capacity: 50, languages: ['en', 'es', 'so', 'hmn'], available: true });
  await linkAttorney(ctx, staff, provider, attorneyId);
  const now = ctx.now();
  const today = cityDate(ctx, now);
  const year = today.slice(0, 4);
  sourceId = await addSource(ctx, staff, { kind: 'appropriation', name: `General fund FY${year}`, fiscalYear: Number(year), amount: 50_000_000, startsOn: `${year}-01-01`, endsOn: `${year}-12-31` });
  contractId = await addContract(ctx, staff, sourceId, { providerId: provider, basis: 'hourly', rate: 15_000, cap: 1_000, startsOn: `${year}-01-01`, endsOn: `${year}-12-31` });
  const input = parseReport(ctx, { reporterRole: 'family', givenName: 'Rosa', familyName: 'Fund Browser', dateOfBirth: '1985-05-05', detainedOn: today, detainedPlace: 'Lake Street', facility: 'unknown', personLanguage: 'es', livesInCity: 'yes', contactName: 'Luis', contactMethod: 'phone', contactPhone: '612 555 0142', language: 'es' }, now);
  const filed = await fileReport(ctx, (tx) => createReport(ctx, tx, { input, channel: 'phone', filer: { kind: 'system' }, now, offer: offerCase }));
  await acceptCase(ctx, { userId: attorneyId, role: 'partner-attorney' }, filed.caseId);
  caseId = filed.caseId;
}

const h = useBrowserHarness({ setup });

async function signedIn(session: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await h().newContext(options);
  await context.addCookies([{ name: SESSION_COOKIE, value: session, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

describe('the fund in a real browser', () => {
  for (const lang of LANGS) {
    it(`"${lang}": time by keyboard, an invoice without JavaScript, approval, and the fund's pages under axe`, async () => {
      // The attorney's billing page, then the case's time page: the form filled with the keyboard alone.
      const attorney = await signedIn(attorneySession);
      await attorney.goto(h().url(`/staff/legal-defense/billing?lang=${lang}`));
      expect(await htmlLang(attorney)).toBe(lang);
      await checkA11y(attorney);
      await attorney.locator(`a[href="/staff/legal-defense/billing/cases/${caseId}"]`).click();
      await attorney.waitForURL(/\/billing\/cases\//);
      await checkA11y(attorney);
      // The day keeps today's date; Tab walks through its parts (month, day, year) to the next field.
      await attorney.locator('#field-workedOn').focus();
      for (let i = 0; i < 4 && !(await focused(attorney)).includes('field-duration'); i++) await attorney.keyboard.press('Tab');
      expect(await focused(attorney)).toContain('field-duration');
      await attorney.keyboard.type('1.5');
      await attorney.keyboard.press('Tab');
      expect(await focused(attorney)).toContain('field-activity');
      await attorney.keyboard.press('ArrowDown'); // the first activity: court
      await attorney.keyboard.press('Tab');
      await attorney.keyboard.press('Enter');
      await attorney.waitForURL(/done=time-added/);
      await attorney.waitForSelector('.usa-alert--success');
      expect(await attorney.locator('table tbody tr').count()).toBeGreaterThanOrEqual(1);
      await checkA11y(attorney);
      // A wrong duration: the error summary links to the field, in the page's language, and the page passes axe.
      await attorney.locator('#field-duration').fill('forever');
      await attorney.locator(`form[action$="/cases/${caseId}/time"] button[type="submit"]`).click();
      expect(await attorney.locator('#error-summary a[href="#field-duration"]').count()).toBe(1);
      await checkA11y(attorney);

      // Without JavaScript: prepare the invoice from the billing page.
      const noJs = await signedIn(attorneySession, { javaScriptEnabled: false });
      await noJs.goto(h().url(`/staff/legal-defense/billing?lang=${lang}`));
      await noJs.locator('#field-contractId').selectOption(contractId);
      await noJs.locator('form[action="/staff/legal-defense/billing/invoices"] button[type="submit"]').click();
      await noJs.waitForURL(/\/billing\/invoices\/[0-9A-Z]{26}\?done=invoice-built/);
      const invoiceUrl = new URL(noJs.url()).pathname;
      await checkA11yWithoutJs(h(), noJs);
      await noJs.locator('form[action$="/submit"] button[type="submit"]').click();
      await noJs.waitForURL(/done=invoice-submitted/);
      await checkA11yWithoutJs(h(), noJs);

      // Program staff: the invoice waiting, approved; then the fund's pages.
      const staff = await signedIn(staffSession);
      await staff.goto(h().url(`/staff/legal-defense/fund/invoices?status=submitted&lang=${lang}`));
      await checkA11y(staff);
      await staff.goto(h().url(`${invoiceUrl.replace('/billing/', '/fund/')}?lang=${lang}`));
      expect(await htmlLang(staff)).toBe(lang);
      await checkA11y(staff);
      await staff.locator('form[action$="/approve"] button[type="submit"]').click();
      await staff.waitForURL(/done=invoice-approved/);
      await checkA11y(staff);
      await staff.goto(h().url(`/staff/legal-defense?lang=${lang}`));
      await staff.locator('a[href="/staff/legal-defense/fund"]').click();
      await staff.waitForURL(/\/staff\/legal-defense\/fund$/);
      await checkA11y(staff);
      await staff.goto(h().url(`/staff/legal-defense/fund/sources/${sourceId}?lang=${lang}`));
      expect(await staff.locator('svg[role="img"] > title').first().textContent()).toContain('FY');
      expect(await staff.locator('svg[role="img"] polyline').count()).toBeGreaterThanOrEqual(1);
      await checkA11y(staff);
      // Money added to the source mid-year: the amendment shows in its history, and the page passes axe.
      const step = LANGS.indexOf(lang) + 1;
      await staff.locator('#field-newAmount').fill(String(500_000 + 10_000 * step));
      await staff.locator('#field-amendReason').selectOption('supplemental');
      await staff.locator('#field-amendReference').fill(`CA-${step}`);
      await staff.locator(`form[action$="/sources/${sourceId}/amend"] button[type="submit"]`).click();
      await staff.waitForURL(/done=source-amended/);
      await staff.waitForSelector('.usa-alert--success');
      // This language's and the earlier ones' amendments of the source, and the earlier ones' of its contract.
      expect(await staff.locator('section[aria-labelledby="amendments"] table tbody tr').count()).toBe(2 * step - 1);
      await checkA11y(staff);
      await staff.goto(h().url(`/staff/legal-defense/fund/contracts/${contractId}?lang=${lang}`));
      await checkA11y(staff);
      // A cap of zero: the error summary links to the field; then a real raise of the cap.
      await staff.locator('#field-newCap').fill('0');
      await staff.locator('#field-amendReason').selectOption('supplemental');
      await staff.locator(`form[action$="/contracts/${contractId}/amend"] button[type="submit"]`).click();
      expect(await staff.locator('#error-summary a[href="#field-newCap"]').count()).toBe(1);
      await checkA11y(staff);
      await staff.locator('#field-newCap').fill(String(1_000 + 10 * step));
      await staff.locator('#field-amendReason').selectOption('supplemental');
      await staff.locator(`form[action$="/contracts/${contractId}/amend"] button[type="submit"]`).click();
      await staff.waitForURL(/done=contract-amended/);
      expect(await staff.locator('section[aria-labelledby="amendments"] table tbody tr').count()).toBe(step);
      await checkA11y(staff);
      await staff.goto(h().url(`/staff/legal-defense/fund/cases/${caseId}?lang=${lang}`));
      await checkA11y(staff);
      await staff.goto(h().url(`/staff/legal-defense/fund/report?source=${sourceId}&lang=${lang}`));
      await checkA11y(staff);
      expect(await staff.locator('a[href*="/staff/legal-defense/fund/report.csv"]').count()).toBe(1);
    });
  }
});
