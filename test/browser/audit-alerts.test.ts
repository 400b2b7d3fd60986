/**
 * R35 in Chromium: the administrators' access-volume alerts page, in four languages with axe, and
 * acknowledging an alert without JavaScript.
 */
import { describe, expect, it } from 'vitest';
import { checkAccessVolumes } from '../../src/core/audit/access-alerts.ts';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { randomId } from '../../src/core/crypto/random.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { LANGS, checkA11y, checkA11yWithoutJs, htmlLang, useBrowserHarness } from './harness.ts';

let adminToken = '';

async function account(ctx: AppContext, email: string, displayName: string, roles: Array<'admin' | 'program-staff'>): Promise<string> {
  const { userId } = await provisionStaffUser(ctx, {
    email,
    displayName,
    roles,
    password: 'correct horse battery staple',
    passwordHash: await hashPassword('correct horse battery staple'),
    totpSecret: generateTotpSecret(),
  });
  return userId;
}

async function setup(ctx: AppContext): Promise<void> {
  const adminId = await account(ctx, 'admin@city.example', 'Ada Admin', ['admin']);
  adminToken = await createSession(ctx, { userId: adminId, factor: 'passkey' });
  const staffId = await account(ctx, 'staff@city.example', 'Sam Staff', ['program-staff']);
  for (let i = 0; i < 40; i++) {
    await ctx.audit.recordNow({ actor: { id: staffId, role: 'program-staff' }, action: 'record.read', record: { type: 'office.request', id: randomId() }, purpose: 'case-work' });
  }
  const raised = await checkAccessVolumes(ctx);
  if (raised.length !== 1) throw new Error(`expected one alert, got ${raised.length}`);
}

const h = useBrowserHarness({ setup, env: { ACCESS_ALERT_MIN_READS: '10' } });

async function adminPage(javaScriptEnabled = true) {
  const context = await h().newContext({ javaScriptEnabled });
  await context.addCookies([{ name: SESSION_COOKIE, value: adminToken, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

describe('access-volume alerts page in Chromium', () => {
  for (const lang of LANGS) {
    it(`${lang}: the alert list passes axe`, async () => {
      const page = await adminPage();
      await page.goto(h().url(`/staff/audit/alerts?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      expect(await page.locator('table tbody tr').count()).toBe(1);
      expect(await page.locator('tbody').textContent()).toContain('Sam Staff');
      await checkA11y(page);
    });
  }

  it('acknowledges an alert with a plain form (no JavaScript), and the page says so', async () => {
    const page = await adminPage(false);
    await page.goto(h().url('/staff/audit/alerts?lang=en'));
    await checkA11yWithoutJs(h(), page);
    await page.getByRole('button', { name: 'Mark as looked into' }).click();
    await page.waitForURL(/acknowledged=1/);
    expect(await page.locator('[role="status"]').textContent()).toContain('The alert is marked as looked into.');
    expect(await page.locator('tbody').textContent()).toContain('Looked into by Ada Admin');
    await checkA11yWithoutJs(h(), page);
  });
});
