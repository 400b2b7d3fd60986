import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createStaffUser } from '../../src/core/auth/accounts.service.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { generateTotp } from '../../src/core/crypto/totp.ts';
import { createLogger } from '../../src/core/log.ts';
import { CHROMIUM_ARGS, LANGS, checkA11y, chromiumPath, htmlLang } from './harness.ts';

/**
 * The passkey ceremonies of `public/passkey.js` in a real Chromium, with a CDP virtual authenticator
 * (CTAP2, resident keys, user verification): an administrator enrols (password, authenticator app, passkey)
 * and signs in with password + passkey. WebAuthn needs a domain as relying party, so the app runs with
 * BASE_URL http://localhost:<port> (a secure context), not the harness's 127.0.0.1.
 */

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('staff passkeys in Chromium', () => {
  let browser: Browser;
  let close: () => Promise<void>;
  let base: string;
  let link: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-passkey-'));
  let built: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      BASE_URL: base,
      DATA_DIR: path.join(dir, 'data'),
      KEY_FILE: path.join(dir, 'keys', 'kek.json'),
      DATABASE_URL: `sqlite:${path.join(dir, 'data', 'sanctuary.db')}`,
      LOG_LEVEL: 'silent',
      DEMO: 'false',
      RATE_LIMIT: 'false',
    });
    built = await buildApp({ config, logger: createLogger({ level: 'silent' }) });
    await built.app.listen({ port, host: '127.0.0.1' });
    ({ link } = await createStaffUser(built.ctx, { email: 'chief@city.example', displayName: 'Chief Admin', roles: ['admin'], actor: OPERATOR }));
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP localhost 127.0.0.1'] });
    close = async () => {
      await browser.close();
      await built.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  });
  afterAll(async () => {
    await close?.();
  });

  async function pageWithAuthenticator(): Promise<Page> {
    const context = await browser.newContext({ baseURL: base, locale: 'en-US' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'usb',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return page;
  }

  it('an administrator enrols with password, authenticator app and passkey, then signs in with the passkey', async () => {
    const page = await pageWithAuthenticator();
    await page.goto(link.replace(/^https?:\/\/[^/]+/, base));
    await checkA11y(page);
    const password = 'granite willow ferry lantern';
    await page.fill('#field-password', password);
    await page.fill('#field-confirm', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#totp-secret');
    await checkA11y(page);
    const secret = ((await page.textContent('#totp-secret')) ?? '').replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.fill('#field-code', generateTotp(secret));
    await page.click('button[type=submit]');

    // The passkey step: the button appears only because JavaScript and WebAuthn are available.
    const register = page.locator('button[data-passkey="create"]');
    await register.waitFor({ state: 'visible' });
    expect(await page.locator('[data-passkey-nojs]').isHidden()).toBe(true);
    await checkA11y(page);
    await register.click();
    await page.waitForURL(/\/staff\/login\?notice=enrolled$/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('Your account is ready');
    await checkA11y(page);

    await page.fill('#field-email', 'chief@city.example');
    await page.fill('#field-password', password);
    await page.click('button[data-passkey="get"]');
    await page.waitForURL(/\/staff$/);
    expect(await page.locator('h1').textContent()).toBe('Staff home');
    expect(await page.content()).not.toContain('Sign in with your passkey to use all your roles');
    await checkA11y(page);
    // Admin powers are active: the account list opens.
    await page.goto(`${base}/staff/users`);
    expect(await page.locator('h1').textContent()).toBe('Staff accounts');
    await checkA11y(page);

    // Sign out from the staff navigation.
    await page.click('button.sanctuary-signout');
    await page.waitForURL(/\/staff\/login\?notice=signedOut$/);
    await page.goto(`${base}/staff`);
    await page.waitForURL(/\/staff\/login\?next=/);
  });

  it('the sign-in and enrolment pages in every language: <html lang>, no axe violation', async () => {
    const { link: other } = await createStaffUser(built.ctx, { email: 'langs@city.example', displayName: 'Lang Tester', roles: ['office-staff'], actor: OPERATOR });
    const enrolPath = new URL(other).pathname;
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    for (const lang of LANGS) {
      await page.goto(`${base}/staff/login?lang=${lang}`);
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
      await page.goto(`${base}${enrolPath}?lang=${lang}`);
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
    }
    await context.close();
  });

  it('without JavaScript the sign-in page still works for the code, and says passkeys need JavaScript', async () => {
    const context = await browser.newContext({ baseURL: base, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/staff/login`);
    expect(await page.locator('[data-passkey-nojs]').isVisible()).toBe(true);
    expect(await page.locator('button[data-passkey]').isHidden()).toBe(true);
    await page.fill('#field-email', 'nobody@city.example');
    await page.fill('#field-password', 'a wrong password');
    await page.fill('#field-code', '123456');
    await page.click('button[type=submit]');
    expect(await page.locator('#error-summary').textContent()).toContain('We could not sign you in');
    await context.close();
  });
});
