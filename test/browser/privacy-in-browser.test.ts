/**
 * What the browser keeps and where it talks to, in a real Chromium.
 *
 * R38: every request a page makes — documents, scripts, styles, fonts, images, fetches — goes to our own
 * origin: no third-party script, font, analytics or CDN, on public pages, through a whole public form and on
 * staff pages.
 *
 * R28: after a resident fills in and sends a public form with recognisable values, and staff open that
 * request, nothing personal is left in the browser: localStorage, sessionStorage, IndexedDB and Cache Storage
 * hold nothing, no service worker is registered, and no cookie carries a value typed into the form.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { useBrowserHarness } from './harness.ts';

let staffToken = '';
const CANARY = { description: 'Zyxqanary landlord story 7731', email: 'zyxqanary.person@example.org', name: 'Zyxqanary Persona' };

async function setup(ctx: AppContext): Promise<void> {
  const { userId } = await provisionStaffUser(ctx, {
    email: 'office@city.example',
    displayName: 'Olu Office',
    roles: ['office-staff'],
    password: 'correct horse battery staple',
    passwordHash: await hashPassword('correct horse battery staple'),
    totpSecret: generateTotpSecret(),
  });
  staffToken = await createSession(ctx, { userId, factor: 'totp' });
}

const h = useBrowserHarness({ setup, env: { DEMO: 'true' } });

/** Records every request of every page of the context. */
function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  return urls;
}

function offOrigin(urls: readonly string[]): string[] {
  const own = new URL(h().baseUrl).origin;
  return urls.filter((u) => !u.startsWith('data:') && new URL(u).origin !== own);
}

interface BrowserStorage {
  local: Record<string, string>;
  session: Record<string, string>;
  indexedDb: string[];
  caches: string[];
  serviceWorkers: number;
}

/** Everything the browser keeps for the page's origin, besides cookies (run in the page; tests have no DOM types). */
const STORAGE_SCRIPT = `(async () => {
  const dump = (s) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => s.key(i)).map((k) => [k, s.getItem(k)]));
  return {
    local: dump(localStorage),
    session: dump(sessionStorage),
    indexedDb: (await indexedDB.databases()).map((d) => d.name || ''),
    caches: await caches.keys(),
    serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
  };
})()`;

async function browserStorage(page: Page): Promise<BrowserStorage> {
  return page.evaluate<BrowserStorage>(STORAGE_SCRIPT);
}

async function next(page: Page, url: RegExp): Promise<void> {
  await page.locator('form.sanctuary-step button[type="submit"]:not([name])').click();
  await page.waitForURL(url);
}

async function choose(page: Page, name: string, value: string): Promise<void> {
  const id = await page.locator(`input[name="${name}"][value="${value}"]`).getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
}

describe('the browser keeps nothing personal and talks only to us', () => {
  it('public pages and a whole public form: every request to our origin, no personal data left in storage (R38, R28)', async () => {
    const context = await h().newContext();
    const urls = recordRequests(context);
    const page = await context.newPage();
    for (const p of ['/', '/privacy', '/verify', '/appointments', '/transparency/demands', '/municipal-id/figures', '/u-visa/figures', '/staff/login']) {
      await page.goto(h().url(p));
      await page.waitForLoadState('networkidle');
    }
    await page.goto(h().url('/forms/office-help'));
    await page.locator('main form[action$="/start"] button[type="submit"]').click();
    await page.waitForURL(/\/topic$/);
    await choose(page, 'topic', 'housing');
    await next(page, /\/description$/);
    await page.locator('textarea[name="description"]').fill(CANARY.description);
    await next(page, /\/language$/);
    await choose(page, 'language', 'en');
    await next(page, /\/contact$/);
    await choose(page, 'contactMethod', 'email');
    await next(page, /\/email$/);
    await page.locator('input[name="email"]').fill(CANARY.email);
    await next(page, /\/name$/);
    await page.locator('input[name="name"]').fill(CANARY.name);
    await next(page, /\/check$/);
    expect(await page.locator('main').innerText()).toContain(CANARY.email);
    await page.locator('main form[action="/forms/office-help/submit"] button[type="submit"]').click();
    await page.waitForURL(/\/confirmation$/);
    await page.waitForLoadState('networkidle');

    expect(urls.length).toBeGreaterThan(30);
    expect(offOrigin(urls)).toEqual([]);
    expect(await browserStorage(page)).toEqual({ local: {}, session: {}, indexedDb: [], caches: [], serviceWorkers: 0 });
    const cookies = await context.cookies();
    for (const value of Object.values(CANARY)) {
      for (const c of cookies) expect(decodeURIComponent(c.value), c.name).not.toContain(value.split(' ')[0]);
    }
    // Every cookie is HttpOnly: no script on the page can read one.
    expect(cookies.every((c) => c.httpOnly)).toBe(true);
  });

  it('staff opening the request: every request to our origin, nothing personal kept in the browser (R38, R28)', async () => {
    const context = await h().newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: staffToken, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
    const urls = recordRequests(context);
    const page = await context.newPage();
    await page.goto(h().url('/staff/office/requests'));
    const link = page.locator('main a[href^="/staff/office/requests/"]').first();
    expect(await link.count()).toBe(1);
    await link.click();
    await page.waitForLoadState('networkidle');
    // The staff page does show the person's details (decrypted for this request only)…
    expect(await page.locator('main').innerText()).toContain(CANARY.email);
    await page.goto(h().url('/staff'));
    await page.waitForLoadState('networkidle');
    expect(offOrigin(urls)).toEqual([]);
    // …and the browser keeps none of it.
    expect(await browserStorage(page)).toEqual({ local: {}, session: {}, indexedDb: [], caches: [], serviceWorkers: 0 });
    for (const c of await context.cookies()) for (const value of Object.values(CANARY)) expect(decodeURIComponent(c.value)).not.toContain(value.split(' ')[0]);
  });
});
