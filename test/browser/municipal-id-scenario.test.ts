/**
 * Issue 4, "Done when", end to end in Chromium: a resident applies and books on a phone in Somali; staff find
 * the application by its reference code, check the documents (types only), take the photo and approve; a card
 * prints (CR80 PDF, front and back); a verifier scans it offline (`sanctuary id verify` with a photo of the
 * card's QR code and a cached key set) and on the public verify page; staff revoke it as lost and the next
 * scan says so. axe WCAG 2.2 AA on every page, each staff page in the four languages.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { MUNICIPAL_ID_ENROLMENT } from '../../src/modules/appointments/api.ts';
import { createSite, setHours, setServiceCapacity } from '../../src/modules/appointments/sites.service.ts';
import { cardHtml } from '../../src/modules/municipal-id/card/card.service.ts';
import { importAddressPoints } from '../../src/modules/municipal-id/residency/address-import.ts';
import { runCli } from '../helpers/cli.ts';
import { cardBackPng, hasPdftoppm, pdfPagePng } from '../municipal-id/card-images.ts';
import { FIXTURE } from '../municipal-id/application-helpers.ts';
import { phoneJpeg } from '../municipal-id/image-fixtures.ts';
import { readPdf } from '../municipal-id/pdf-reader.ts';
import { LANGS, checkA11y, htmlLang, useBrowserHarness } from './harness.ts';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const SYSTEM = { userId: null, role: 'system' } as const;
const NAME = 'Faadumo Cabdullaahi Xasan';
const DESK = '/staff/municipal-id';
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
  await setHours(ctx, SYSTEM, site, [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: 8 * 60, closes: 18 * 60 })));
  await setServiceCapacity(ctx, SYSTEM, site, { serviceId: MUNICIPAL_ID_ENROLMENT, capacity: 5, active: true });
  const { userId } = await provisionStaffUser(ctx, {
    email: 'desk@city.example',
    displayName: 'Desk Clerk',
    roles: ['program-staff'],
    password: 'correct horse battery staple',
    passwordHash: await hashPassword('correct horse battery staple'),
    totpSecret: generateTotpSecret(),
  });
  staffToken = await createSession(ctx, { userId, factor: 'totp' });
}

const h = useBrowserHarness({ setup });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-id-scenario-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Ticks a radio or checkbox by its label, the way a person does (USWDS draws its own control). */
async function tick(page: Page, name: string, value: string): Promise<void> {
  const input = page.locator(`input[name="${name}"][value="${value}"]`);
  if (await input.isChecked()) return;
  await page.locator(`label[for="${await input.getAttribute('id')}"]`).click();
  expect(await input.isChecked()).toBe(true);
}

/** The resident's form: one question per page, axe on each. */
async function next(page: Page, url: RegExp): Promise<void> {
  await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
  await page.waitForURL(url);
  await checkA11y(page);
}

/** axe on the page at `url` in every language, then back to English. */
async function everyLanguage(page: Page, url: string): Promise<void> {
  const sep = url.includes('?') ? '&' : '?';
  for (const lang of LANGS) {
    await page.goto(h().url(`${url}${sep}lang=${lang}`));
    expect(await htmlLang(page)).toBe(lang);
    await checkA11y(page);
  }
  await page.goto(h().url(`${url}${sep}lang=en`));
}

async function staffPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h().newContext();
  await context.addCookies([{ name: SESSION_COOKIE, value: staffToken, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  return { context, page: await context.newPage() };
}

/** The issuer's published key set and revocation lists, laid out in a folder as a verifier would cache them. */
async function publishKeys(folder: string): Promise<void> {
  fs.mkdirSync(path.join(folder, '.well-known', 'crl'), { recursive: true });
  const jwks = await (await fetch(h().url('/.well-known/jwks.json'))).text();
  fs.writeFileSync(path.join(folder, '.well-known', 'jwks.json'), jwks);
  for (const k of (JSON.parse(jwks) as { keys: Array<{ kid: string }> }).keys) {
    fs.writeFileSync(path.join(folder, '.well-known', 'crl', `${k.kid}.json`), await (await fetch(h().url(`/.well-known/crl/${k.kid}.json`))).text());
  }
}

describe('municipal ID, done when: apply in Somali, enrol, approve, print, verify offline, revoke', () => {
  let reference = '';
  let applicationId = '';
  let cardId = '';
  let qrPng = '';

  it('a resident applies and books on a phone in Somali', async () => {
    const page = await h().newPage(PHONE);
    await page.goto(h().url('/forms/municipal-id?lang=so'));
    expect(await htmlLang(page)).toBe('so');
    await checkA11y(page);
    await page.locator('main form[action$="/start"] button[type="submit"]').click();
    await page.waitForURL(/\/lives-in-city$/);
    await checkA11y(page);
    await tick(page, 'livesInCity', 'yes');
    await next(page, /\/residency-days$/);
    await tick(page, 'residencyDays', 'enough');
    await next(page, /\/name$/);
    await page.locator('input[name="name"]').fill(NAME);
    await next(page, /\/birth-date$/);
    await page.locator('input[name="birthDate-day"]').fill('3');
    await page.locator('input[name="birthDate-month"]').fill('9');
    await page.locator('input[name="birthDate-year"]').fill('1994');
    await next(page, /\/housing$/);
    await tick(page, 'housing', 'address');
    await next(page, /\/address$/);
    await page.locator('input[name="street"]').fill('350 South Fifth Street');
    await page.locator('input[name="zip"]').fill('55415');
    await next(page, /\/documents$/);
    await tick(page, 'documents', 'foreign-passport');
    await tick(page, 'documents', 'utility-bill');
    await next(page, /\/gender$/);
    await tick(page, 'gender', 'female');
    await next(page, /\/veteran$/);
    await next(page, /\/language$/);
    await tick(page, 'language', 'so');
    await next(page, /\/contact$/);
    await tick(page, 'contactMethod', 'none');
    await next(page, /\/fee$/);
    await tick(page, 'feeWaiver', 'low-income');
    await next(page, /\/check$/);
    await page.locator('main form[action="/forms/municipal-id/submit"] button[type="submit"]').click();
    await page.waitForURL(/\/confirmation$/);
    await checkA11y(page);
    reference = (await page.locator('.sanctuary-reference').innerText()).replace(/\s+/g, '');
    expect(reference.length).toBeGreaterThan(8);
    // Book the first free time.
    await page.locator('form.sanctuary-confirmation-action button[type="submit"]').click();
    await page.waitForURL(/\/municipal-id\/appointment$/);
    await checkA11y(page);
    await page.locator(`label[for="${await page.locator('input[name="day"]').first().getAttribute('id')}"]`).click();
    await page.locator('main form button[type="submit"]').click();
    await page.waitForURL(/\/municipal-id\/appointment\/times$/);
    await checkA11y(page);
    await page.locator(`label[for="${await page.locator('input[name="start"]').first().getAttribute('id')}"]`).click();
    await page.locator('main form button[type="submit"]').click();
    await page.waitForURL(/\/municipal-id\/appointment\/book$/);
    expect(await htmlLang(page)).toBe('so');
    await checkA11y(page);
  });

  it('staff find it by reference code, check the documents, take the photo and approve', async () => {
    const { page } = await staffPage();
    await everyLanguage(page, DESK);
    await page.locator('input[name="q"]').fill(reference);
    await page.locator('form[role="search"] button[type="submit"]').click();
    await page.waitForURL(/\/staff\/municipal-id\/applications\/[0-9A-Z]{26}$/);
    applicationId = /applications\/([0-9A-Z]{26})/.exec(page.url())?.[1] ?? '';
    expect(await page.locator('main').innerText()).toContain(NAME);
    await everyLanguage(page, `${DESK}/applications/${applicationId}`);

    // The document check: identity confirmed, the planned documents are ticked, the waiver verified.
    await tick(page, 'identityConfirmed', 'yes');
    expect(await page.locator('input[name="documents"][value="foreign-passport"]').isChecked()).toBe(true);
    await tick(page, 'feeWaiver', 'verified');
    await page.locator(`form[action$="/enrolment"] button[type="submit"]`).click();
    await page.waitForURL(/saved=check/);
    expect(await page.locator('.usa-alert--success').count()).toBe(1);
    await checkA11y(page);

    // Approving before the photo is taken: refused, with the reason in an error summary (axe on the error page).
    await page.locator('form[action$="/decision"] input[name="decision"][value="approved"] ~ button[type="submit"]').click();
    await page.waitForLoadState('load');
    expect(await page.locator('#error-summary').count()).toBe(1);
    await checkA11y(page);

    // The photo, from the camera input (a file here), re-encoded on the server.
    const photo = path.join(dir, 'camera.jpg');
    fs.writeFileSync(photo, phoneJpeg({ width: 900, height: 1200 }));
    await page.locator('#field-photo').setInputFiles(photo);
    await page.locator('form[action$="/photo"] button[type="submit"]').click();
    await page.waitForURL(/saved=photo/);
    expect(await page.locator('img.sanctuary-holder-photo').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(360);
    await checkA11y(page);

    await page.locator('form[action$="/decision"] input[name="decision"][value="approved"] ~ button[type="submit"]').click();
    await page.waitForURL(/saved=decision/);
    await checkA11y(page);
    const cardLink = page.locator(`a[href^="${DESK}/cards/"]`);
    cardId = /cards\/([0-9A-Z]{26})/.exec((await cardLink.getAttribute('href')) ?? '')?.[1] ?? '';
    expect(cardId).not.toBe('');
    await everyLanguage(page, `${DESK}/approvals`);
    await everyLanguage(page, `${DESK}/print-queue`);
  });

  it('a card prints: CR80 front and back; it is marked printed and handed over', async () => {
    const { context, page } = await staffPage();
    await everyLanguage(page, `${DESK}/cards/${cardId}`);
    const res = await context.request.get(h().url(`${DESK}/cards/${cardId}/card.pdf`));
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const pdf = Buffer.from(await res.body());
    const pages = readPdf(pdf);
    expect(pages).toHaveLength(2);
    expect(pages[0]?.sizeMm.width).toBeCloseTo(85.6, 1);
    expect(pages[0]?.sizeMm.height).toBeCloseTo(53.98, 1);
    expect(pages[0]?.text).toContain(NAME);
    await page.locator('form[action$="/printed"] button[type="submit"]').click();
    await page.waitForURL(/saved=printed/);
    await checkA11y(page);
    await page.locator('form[action$="/handed-over"] button[type="submit"]').click();
    await page.waitForURL(/saved=handed-over/);
    await checkA11y(page);
    // The resident's status page says the card is ready.
    const resident = await h().newPage(PHONE);
    await resident.goto(h().url('/forms/municipal-id/status?lang=so'));
    await resident.locator('input[name="code"]').fill(reference);
    await resident.locator('main form button[type="submit"]').click();
    expect(await resident.locator('.sanctuary-status').textContent()).toContain(h().ctx.messages.format('so', 'municipalId.status.card-ready'));
    await checkA11y(resident);

    // A photo of the printed card's back: the PDF rasterized (poppler), or the same print document rendered.
    let png: Buffer;
    if (hasPdftoppm()) png = pdfPagePng(pdf, 2, 300);
    else {
      const ctx = h().ctx;
      const row = await ctx.db.kysely.selectFrom('id_cards').selectAll().where('id', '=', cardId).executeTakeFirstOrThrow();
      const at = (column: string) => ({ table: 'id_cards', column, rowId: cardId });
      png = await cardBackPng(
        await cardHtml(ctx, {
          number: await ctx.vault.open(row.holder_id, row.number_sealed, at('number_sealed')),
          jws: await ctx.vault.open(row.holder_id, row.credential_sealed, at('credential_sealed')),
          name: NAME,
          birthDate: '1994-09-03',
          gender: 'female',
          veteran: false,
          variant: row.variant,
          issuedOn: row.issued_on,
          expiresOn: row.expires_on,
          photoJpeg: phoneJpeg({ width: 360, height: 480 }),
        }),
      );
    }
    qrPng = path.join(dir, 'card-back.png');
    fs.writeFileSync(qrPng, png);
  });

  it('a verifier scans it offline and on the verify page; revoked as lost, the next scan says so', async () => {
    const env = { BASE_URL: h().config.baseUrl };
    const served = path.join(dir, 'served');
    const cache = path.join(dir, 'cache');
    await publishKeys(served);
    expect((await runCli(h().config, ['id', 'cache', '--from', served, '--dir', cache], env)).code).toBe(0);
    const valid = await runCli(h().config, ['id', 'verify', '--cache', cache, '--lang', 'so', qrPng], env);
    expect(valid.code, valid.out + valid.err).toBe(0);
    expect(valid.out).toContain(NAME);

    // The public verify page, on a phone: upload the photo of the card.
    const verifier = await h().newPage(PHONE);
    for (const lang of LANGS) {
      await verifier.goto(h().url(`/verify?lang=${lang}`));
      await checkA11y(verifier);
    }
    await verifier.locator('#field-image').setInputFiles(qrPng);
    await verifier.locator('form[action="/verify/image"] button[type="submit"]').click();
    await verifier.waitForURL(/\/verify\/image$/);
    expect(await verifier.locator('.sanctuary-verify-result--valid').count()).toBe(1);
    expect(await verifier.locator('main').innerText()).toContain(NAME);
    await checkA11y(verifier);

    // Staff revoke it as lost (a new card is queued).
    const { page } = await staffPage();
    await page.goto(h().url(`${DESK}/cards/${cardId}`));
    // No reason chosen: refused with an error summary.
    await page.locator('form[action$="/replace"] button[type="submit"]').click();
    await page.waitForLoadState('load');
    expect(await page.locator('#error-summary').count()).toBe(1);
    await checkA11y(page);
    await page.goto(h().url(`${DESK}/cards/${cardId}`));
    await tick(page, 'reason', 'lost');
    await page.locator('form[action$="/replace"] button[type="submit"]').click();
    await page.waitForURL(/saved=replaced/);
    await checkA11y(page);

    // The next scan says so: offline with a fresh cache, and on the verify page.
    await publishKeys(served);
    expect((await runCli(h().config, ['id', 'cache', '--from', served, '--dir', cache], env)).code).toBe(0);
    const revoked = await runCli(h().config, ['id', 'verify', '--cache', cache, qrPng], env);
    expect(revoked.code).toBe(1);
    expect(revoked.out).toContain('REVOKED');
    await verifier.goto(h().url('/verify?lang=so'));
    await verifier.locator('#field-image').setInputFiles(qrPng);
    await verifier.locator('form[action="/verify/image"] button[type="submit"]').click();
    await verifier.waitForURL(/\/verify\/image$/);
    expect(await verifier.locator('.sanctuary-verify-result--revoked').count()).toBe(1);
    await checkA11y(verifier);

    // The public figures page, in every language.
    await everyLanguage(verifier, '/municipal-id/figures');
    expect(await verifier.locator('svg[role="img"] > title').count()).toBe(1);
  });
});
