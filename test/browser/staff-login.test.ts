import { describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotp, generateTotpSecret } from '../../src/core/crypto/totp.ts';
import { LANGS, type Lang, checkA11y, checkA11yWithoutJs, htmlLang, useBrowserHarness } from './harness.ts';

const PASSWORD = 'a long staff passphrase for the browser test';

/** One enrolled office-staff account per language (a TOTP code can be used once per account). */
const accounts = new Map<Lang | 'nojs', { email: string; secret: string }>();

const h = useBrowserHarness({
  async setup(ctx) {
    const passwordHash = await hashPassword(PASSWORD);
    for (const key of [...LANGS, 'nojs'] as const) {
      const account = { email: `staff-${key}@city.example`, secret: generateTotpSecret() };
      await provisionStaffUser(ctx, {
        email: account.email,
        displayName: `Staff ${key}`,
        roles: ['office-staff'],
        password: PASSWORD,
        passwordHash,
        totpSecret: account.secret,
      });
      accounts.set(key, account);
    }
  },
});

function account(key: Lang | 'nojs') {
  const a = accounts.get(key);
  if (!a) throw new Error(`no account for ${key}`);
  return a;
}

describe('staff sign-in with password and authenticator code, in a real browser', () => {
  for (const lang of LANGS) {
    it(`"${lang}": sign-in page, a refused attempt, the staff home and sign-out, each with no axe violation`, async () => {
      const { email, secret } = account(lang);
      const page = await h().newPage();

      // A staff page sends an anonymous visitor to the sign-in page.
      await page.goto(h().url(`/staff?lang=${lang}`));
      await page.waitForURL(/\/staff\/login/);
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);

      // A wrong code: refused without saying which factor was wrong, with an accessible error summary.
      await page.fill('#field-email', email);
      await page.fill('#field-password', PASSWORD);
      await page.fill('#field-code', generateTotp(secret) === '000000' ? '111111' : '000000');
      await page.click('main button[type=submit]');
      await page.waitForLoadState();
      expect(await page.locator('#error-summary').count()).toBe(1);
      expect(new URL(page.url()).pathname).toBe('/staff/login');
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);

      // The right code: signed in, on the staff home, still in the chosen language.
      await page.fill('#field-email', email);
      await page.fill('#field-password', PASSWORD);
      await page.fill('#field-code', generateTotp(secret));
      await page.click('main button[type=submit]');
      await page.waitForURL((url) => url.pathname === '/staff');
      expect(await htmlLang(page)).toBe(lang);
      expect(await page.locator('button.sanctuary-signout').count()).toBe(1);
      await checkA11y(page);

      // Sign out: back on the sign-in page, and the staff home is closed again.
      await page.click('button.sanctuary-signout');
      await page.waitForURL(/\/staff\/login/);
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);
      await page.goto(h().url('/staff'));
      await page.waitForURL(/\/staff\/login/);
    });
  }

  it('works without JavaScript: sign in and sign out with plain forms', async () => {
    const { email, secret } = account('nojs');
    const page = await h().newPage({ javaScriptEnabled: false });
    await page.goto(h().url('/staff/login?lang=es'));
    await checkA11yWithoutJs(h(), page);
    await page.fill('#field-email', email);
    await page.fill('#field-password', PASSWORD);
    await page.fill('#field-code', generateTotp(secret));
    await page.click('main button[type=submit]');
    await page.waitForURL((url) => url.pathname === '/staff');
    expect(await htmlLang(page)).toBe('es');
    await checkA11yWithoutJs(h(), page);
    await page.click('button.sanctuary-signout');
    await page.waitForURL(/\/staff\/login/);
  });
});
