import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { createApiToken } from '../../src/core/auth/api-tokens.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { certify, saveSupplement } from '../../src/modules/u-visa/u-visa.decisions.ts';
import { type StaffActor, fileRequest, readRequest } from '../../src/modules/u-visa/u-visa.service.ts';
import { draftSupplement } from '../../src/modules/u-visa/supplement-b/supplement-b.answers.ts';
import { I918B_FIELDS } from '../../src/modules/u-visa/supplement-b/supplement-b.fields.ts';
import { hasPdftotext, pdfText } from '../u-visa/pdf-text.ts';
import { COMPLETE, validRequest } from '../u-visa/u-visa-helpers.ts';
import { LANGS, type Lang, checkA11y, checkA11yWithoutJs, htmlLang, useBrowserHarness } from './harness.ts';

/**
 * U/T visa certification in Chromium: the public request form in the four languages with axe WCAG 2.2 AA on
 * every page (errors included) and once without JavaScript; the staff queue, request, Supplement B and entry
 * pages in four languages; the public figures with their chart; and the "done when" of issue 6 end to end —
 * an attorney's system files an expedited request in Spanish, the certifying official finds it at the top of
 * the queue with 7 days on the clock, completes Supplement B in the browser and certifies, the PDF has no
 * blank item.
 */

let officialToken = '';
let attorneyApiToken = '';

async function staff(ctx: AppContext, email: string, roles: Array<'certifying-official' | 'certifying-supervisor' | 'partner-attorney'>) {
  return provisionStaffUser(ctx, {
    email,
    displayName: email.split('@')[0] ?? email,
    roles,
    password: 'correct horse battery staple',
    passwordHash: await hashPassword('correct horse battery staple'),
    totpSecret: generateTotpSecret(),
  });
}

async function setup(ctx: AppContext): Promise<void> {
  const official = await staff(ctx, 'official@city.example', ['certifying-official']);
  officialToken = await createSession(ctx, { userId: official.userId, factor: 'totp' });
  const attorney = await staff(ctx, 'attorney@legal.example', ['partner-attorney']);
  attorneyApiToken = (await createApiToken(ctx, { userId: attorney.userId, label: 'Case system', scopes: ['u-visa.api.file'], days: 30, actor: OPERATOR })).token;
  // Past quarters for the figures: requests received two quarters ago, a dozen certified.
  const actor: StaffActor = { userId: official.userId, role: 'certifying-official' };
  const past = new Date(ctx.now().getTime() - 200 * 86_400_000);
  for (let i = 0; i < 14; i++) {
    const { id } = await fileRequest(ctx, { raw: validRequest({ releaseDate: '2025-01-02', crimeDate: '2024-12-01' }), channel: 'staff', filer: { kind: 'system' }, now: new Date(past.getTime() + i * 3_600_000) });
    if (i < 12) {
      const detail = await readRequest(ctx, actor, id);
      await saveSupplement(ctx, actor, id, { ...draftSupplement(ctx.jurisdiction, detail, { name: 'Official' }), ...COMPLETE });
      await certify(ctx, actor, id, { revision: (await readRequest(ctx, actor, id)).revision });
    }
  }
}

const h = useBrowserHarness({ setup });
const BASE = '/forms/u-visa-request';

async function staffPage(): Promise<Page> {
  const context = await h().newContext();
  await context.addCookies([{ name: SESSION_COOKIE, value: officialToken, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

/** Picks a radio or checkbox by its label (USWDS draws its own control over the input). */
async function choose(page: Page, name: string, value: string): Promise<void> {
  const id = await page.locator(`input[name="${name}"][value="${value}"]`).getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
  expect(await page.locator(`input[name="${name}"][value="${value}"]`).isChecked()).toBe(true);
}

async function next(page: Page, url: RegExp): Promise<void> {
  await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
  await page.waitForURL(url);
}

async function date(page: Page, name: string, iso: string): Promise<void> {
  await page.locator(`input[name="${name}-day"]`).fill(String(Number(iso.slice(8, 10))));
  await page.locator(`input[name="${name}-month"]`).fill(String(Number(iso.slice(5, 7))));
  await page.locator(`input[name="${name}-year"]`).fill(iso.slice(0, 4));
}

describe('done when (issue 6) in Chromium', () => {
  it('done when: an attorney files expedited in Spanish, the official finds it on top with 7 days, certifies in the browser, Supplement B has no blank', async () => {
    const res = await fetch(h().url('/api/v1/u-visa/requests'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${attorneyApiToken}`, 'accept-language': 'es' },
      body: JSON.stringify(validRequest({ expedite: 'victim', expediteProofType: 'notice-to-appear', expediteProofDate: '2026-01-10', releaseDate: '2026-01-05', crimeDate: '2025-12-20' })),
    });
    expect(res.status).toBe(201);
    const filed = (await res.json()) as { id: string; daysLeft: number };
    expect(filed.daysLeft).toBe(7);

    const page = await staffPage();
    await page.goto(h().url('/staff/u-visa?lang=es'));
    const top = page.locator('table tbody tr').first();
    expect(await top.locator('a').first().getAttribute('href')).toBe(`/staff/u-visa/requests/${filed.id}`);
    expect(await top.innerText()).toContain('Quedan 7 días');
    await checkA11y(page);

    await page.goto(h().url(`/staff/u-visa/requests/${filed.id}/supplement?lang=en`));
    await checkA11y(page);
    const text: Record<string, string> = {
      officialTitle: 'Lieutenant, Family Violence Unit',
      agencyAddress: '350 S 5th St, Minneapolis, MN 55415',
      agencyPhone: '612 673 3000',
      crimeDates: '12/20/2025',
      statutes: 'Minn. Stat. 609.2242',
      crimeLocation: 'Minneapolis, Minnesota',
      crimeDescription: 'Assault at home, arrest at the scene.',
      injuries: 'Bruising documented by officers.',
      // The request is in Spanish: its account is quoted beside the item, and the official answers in English.
      helpfulnessDescription: 'Called 911, gave a statement and identified the assailant.',
    };
    expect(await page.locator('#field-helpfulnessDescription-hint q[lang="es"]').count()).toBe(1);
    for (const [name, value] of Object.entries(text)) await page.locator(`[name="${name}"]`).fill(value);
    await choose(page, 'officialRole', 'head');
    for (const name of ['possessesInformation', 'helpful', 'notRefused']) await choose(page, name, 'yes');
    await choose(page, 'investigationStatus', 'ongoing');
    await choose(page, 'familyImplicated', 'no');
    await choose(page, 'agencyEmail__stock', 'None');
    await choose(page, 'courtFileNumber__stock', 'N/A');
    await choose(page, 'additionalInformation__stock', 'None');
    await page.locator('main form.sanctuary-supplement button[type="submit"]').click();
    await page.waitForURL(/\/supplement\?done=saved$/);
    await checkA11y(page);
    await page.locator(`main form[action="/staff/u-visa/requests/${filed.id}/certify"] button[type="submit"]`).click();
    await page.waitForURL(/\?done=certify$/);
    expect(await page.locator('.usa-alert--success').innerText()).toContain('certified');
    await checkA11y(page);

    const pdf = await page.request.get(h().url(`/staff/u-visa/requests/${filed.id}/supplement-b.pdf`));
    expect(pdf.status()).toBe(200);
    if (hasPdftotext()) {
      const text = pdfText(Buffer.from(await pdf.body()), { layout: true });
      expect(text).not.toContain('Llamó');
      const lines = text.split('\n');
      const en = h().ctx.messages.translator('en');
      for (const f of I918B_FIELDS) {
        const head = en(`u-visa.suppb.field.${f.id}`).slice(0, 28);
        const line = lines.find((l) => l.trimStart().startsWith(head)) ?? '';
        expect(line.trim().length, `${f.id} is blank`).toBeGreaterThan(head.length + 1);
      }
    }
  });

});

describe('the U/T visa request form in Chromium', () => {
  for (const lang of LANGS) {
    it(`"${lang}": every page, an error and the confirmation pass axe`, async () => {
      const page = await h().newPage();
      await page.goto(h().url(`${BASE}?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
      await page.locator('main form[action$="/start"] button[type="submit"]').click();
      await page.waitForURL(/\/requester-role$/);
      await next(page, /\/requester-role$/);
      expect(await page.locator('#error-summary a[href="#field-requesterRole"]').count()).toBe(1);
      await checkA11y(page);
      await choose(page, 'requesterRole', 'advocate');
      await next(page, /\/representative$/);
      await page.locator('input[name="requesterName"]').fill('Kalkidan Advocate');
      await checkA11y(page);
      await next(page, /\/release$/);
      await choose(page, 'releaseType', 'signed-release');
      await date(page, 'releaseDate', '2026-01-15');
      await checkA11y(page);
      await next(page, /\/visa-type$/);
      await choose(page, 'visaType', 'T');
      await checkA11y(page);
      await next(page, /\/crimes$/);
      await choose(page, 'crimes', 'perjury');
      // A T visa needs a trafficking crime: a translated error on the page.
      await next(page, /\/crimes$/);
      expect(await page.locator('#error-summary').count()).toBe(1);
      await checkA11y(page);
      await choose(page, 'crimes', 'involuntary-servitude');
      await next(page, /\/crime-form$/);
      await checkA11y(page);
      await next(page, /\/agency$/);
      await choose(page, 'agency', 'mpd');
      await checkA11y(page);
      await next(page, /\/case$/);
      await checkA11y(page);
      await next(page, /\/victim-name$/);
      await page.locator('input[name="victimGivenName"]').fill('Nhia');
      await page.locator('input[name="victimFamilyName"]').fill('Vang');
      await checkA11y(page);
      await next(page, /\/victim-birth$/);
      await date(page, 'victimDateOfBirth', '1998-07-04');
      await checkA11y(page);
      await next(page, /\/victim-gender$/);
      await choose(page, 'victimGender', 'female');
      await next(page, /\/a-number$/);
      await checkA11y(page);
      await next(page, /\/helpfulness$/);
      await page.locator('textarea[name="helpfulness"]').fill('She told the police where the workers were kept.');
      await next(page, /\/expedite$/);
      await choose(page, 'expedite', 'family-member');
      await checkA11y(page);
      await next(page, /\/expedite-proof$/);
      await choose(page, 'expediteProofType', 'hearing-notice');
      await date(page, 'expediteProofDate', '2026-02-01');
      await checkA11y(page);
      await next(page, /\/contact$/);
      await choose(page, 'contactMethod', 'email');
      await next(page, /\/email$/);
      await page.locator('input[name="email"]').fill(`advocate.${lang}@example.org`);
      await next(page, /\/check$/);
      await checkA11y(page);
      await page.locator(`main form[action="${BASE}/submit"] button[type="submit"]`).click();
      await page.waitForURL(/\/confirmation$/);
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
    });
  }

  it('works without JavaScript (the start and a question with its error)', async () => {
    const page = await h().newPage({ javaScriptEnabled: false });
    await page.goto(h().url(`${BASE}?lang=hmn`));
    await checkA11yWithoutJs(h(), page);
    await page.locator('main form[action$="/start"] button[type="submit"]').click();
    await page.waitForURL(/\/requester-role$/);
    await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
    await checkA11yWithoutJs(h(), page);
  });
});

describe('staff pages and public figures in Chromium', () => {
  for (const lang of LANGS) {
    it(`"${lang}": queue, request, Supplement B, entry and search pages pass axe; the figures page with its chart too`, async () => {
      const page = await staffPage();
      await page.goto(h().url(`/staff/u-visa?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
      await page.goto(h().url(`/staff/u-visa?view=closed&lang=${lang}`));
      await checkA11y(page);
      const first = await page.locator('table a[href^="/staff/u-visa/requests/"]').first().getAttribute('href');
      await page.goto(h().url(`${first ?? ''}?lang=${lang}`));
      await checkA11y(page);
      // The case facts of an open request, with a date out of order: the error summary passes axe too.
      await page.goto(h().url(`/staff/u-visa?lang=${lang}`));
      const open = await page.locator('table a[href^="/staff/u-visa/requests/"]').first().getAttribute('href');
      await page.goto(h().url(`${open ?? ''}/supplement?lang=${lang}`));
      await checkA11y(page);
      await page.goto(h().url(`${open ?? ''}/facts?lang=${lang}`));
      await checkA11y(page);
      await page.locator('input[name="crimeDateFrom"]').fill('2025-05-10');
      await page.locator('input[name="crimeDateTo"]').fill('2025-05-01');
      await page.locator('main form button[type="submit"]').click();
      expect(await page.locator('#error-summary a[href="#field-crimeDateTo"]').count()).toBe(1);
      await checkA11y(page);
      await page.goto(h().url(`/staff/u-visa/new?lang=${lang}`));
      await checkA11y(page);
      await page.locator('main form[action="/staff/u-visa/new"] button[type="submit"]').click();
      expect(await page.locator('#error-summary').count()).toBe(1);
      await checkA11y(page);
      await page.goto(h().url(`/staff/u-visa/search?lang=${lang}`));
      await checkA11y(page);
      const anon = await h().newPage();
      await anon.goto(h().url(`/u-visa/figures?lang=${lang}`));
      expect(await anon.locator('svg[role="img"] > title').count()).toBe(1);
      await checkA11y(anon);
    });
  }

  it('the figures page works without JavaScript', async () => {
    const lang: Lang = 'so';
    const page = await h().newPage({ javaScriptEnabled: false });
    await page.goto(h().url(`/u-visa/figures?lang=${lang}`));
    await checkA11yWithoutJs(h(), page);
  });
});
