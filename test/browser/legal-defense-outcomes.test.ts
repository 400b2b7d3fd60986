import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { randomId } from '../../src/core/crypto/random.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { localDate } from '../../src/core/jurisdiction/index.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { acceptCase, addProvider, linkAttorney, offerCase, recordFirstContact } from '../../src/modules/legal-defense/legal-defense.assignment.ts';
import { publishedQuarters, quarterRanges } from '../../src/modules/legal-defense/legal-defense.outcomes.ts';
import { type StaffActor, createReport, fileReport, parseReport } from '../../src/modules/legal-defense/legal-defense.service.ts';
import { LANGS, type Lang, checkA11y, checkA11yWithoutJs, htmlLang, useBrowserHarness } from './harness.ts';

/**
 * Closing a case and the public outcomes page in Chromium, under axe in four languages: the outcomes page (three
 * server-drawn charts, hidden figures as dashed boxes, tables, sources) also without JavaScript; program staff
 * closing a case from its page (an empty form first: the error summary) and the page showing it closed; a
 * provider's attorney closing their case and landing on their list.
 */
let staffSession = '';
let attorneySession = '';
/** Per language: a case program staff close, and one the attorney closes. */
const cases = new Map<Lang, { staff: string; attorney: string }>();

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

/** People reported in the last two published quarters, with outcomes, written straight into the tables. */
async function seedFigures(ctx: AppContext, providerId: string): Promise<void> {
  const { quarters } = publishedQuarters(ctx, ctx.now());
  const ranges = quarterRanges(ctx.jurisdiction.locale.timezone.value, quarters);
  await inTransaction(ctx.db, async (tx) => {
    for (const [range, people] of [[ranges[10], 18], [ranges[11], 45]] as const) {
      for (let i = 0; i < people; i++) {
        const created = new Date(Date.parse(range?.from ?? '') + (i + 1) * 36 * 3_600_000).toISOString();
        const id = randomId();
        const represented = i % 9 !== 0;
        const seconds = represented && i % 5 !== 0 ? (2 + (i % 30)) * 3600 : null;
        await tx.insertInto('subjects').values({ id, program: 'legal-defense', created_at: created }).execute();
        await tx
          .insertInto('legal_defense_cases')
          .values({
            id, status: represented ? 'contacted' : 'eligible', open: 1, channel: 'api', person_language: 'es', contact_language: 'es', detained_on: created.slice(0, 10),
            residency_basis: 'attestation', disposition: 'eligible', disposition_reason: null, disposition_at: created, provider_id: represented ? providerId : null, assignment_id: null,
            attorney_user_id: represented ? 'seeded-attorney' : null, contact_clock_id: null, first_contact_at: seconds === null ? null : new Date(Date.parse(created) + seconds * 1000).toISOString(),
            first_contact_seconds: seconds, report_count: 1, a_number_index: null, identity_index: null, person_sealed: 'sealed', a_number_sealed: null, detention_sealed: 'sealed',
            contact_sealed: 'sealed', revision: 0, created_at: created, updated_at: created, closed_at: null,
            custody: represented ? (['released-bond', 'released-bond', 'detained', 'released-parole'][i % 4] ?? null) : null, relief_sought: null,
            outcome: represented ? (['relief-granted', 'pending', 'removal-ordered', 'pending'][i % 4] ?? null) : null,
          })
          .execute();
        await tx.insertInto('legal_defense_reports').values({ id: randomId(), case_id: id, channel: 'api', reporter_role: 'family', filed_by: null, reference_index: null, language: 'es', merged: 0, received_at: created, report_sealed: 'sealed' }).execute();
      }
    }
  });
}

async function setup(ctx: AppContext): Promise<void> {
  const staffId = await account(ctx, 'closer@city.example', 'legal-defense-staff');
  staffSession = await createSession(ctx, { userId: staffId, factor: 'totp' });
  const attorneyId = await account(ctx, 'counsel@legal.example', 'partner-attorney');
  attorneySession = await createSession(ctx, { userId: attorneyId, factor: 'totp' });
  const actor: StaffActor = { userId: staffId, role: 'legal-defense-staff' };
  const provider = await addProvider(ctx, actor, { name: 'Centro Legal', capacity: 50, languages: ['en', 'es', 'so', 'hmn'], available: true });
  await linkAttorney(ctx, actor, provider, attorneyId);
  const attorney: StaffActor = { userId: attorneyId, role: 'partner-attorney' };
  const now = ctx.now();
  for (const lang of LANGS) {
    const ids: string[] = [];
    for (const who of ['Staff', 'Attorney']) {
      const input = parseReport(
        ctx,
        { reporterRole: 'family', givenName: `${who} ${lang}`, familyName: 'Closing', dateOfBirth: '1990-01-01', detainedOn: localDate(ctx.jurisdiction, now), detainedPlace: 'Lake St', facility: 'unknown', personLanguage: 'es', livesInCity: 'yes', contactName: 'Ana', contactMethod: 'phone', contactPhone: '612 555 0100', language: lang },
        now,
      );
      const { caseId } = await fileReport(ctx, (tx) => createReport(ctx, tx, { input, channel: 'phone', filer: { kind: 'staff', actor }, now, offer: offerCase }));
      await acceptCase(ctx, attorney, caseId);
      await recordFirstContact(ctx, attorney, caseId);
      ids.push(caseId);
    }
    cases.set(lang, { staff: ids[0] as string, attorney: ids[1] as string });
  }
  await seedFigures(ctx, provider);
}

const h = useBrowserHarness({ setup });

async function signedIn(session: string): Promise<Page> {
  const context = await h().newContext();
  await context.addCookies([{ name: SESSION_COOKIE, value: session, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

describe('the public outcomes page and closing a case in a real browser', () => {
  for (const lang of LANGS) {
    it(`"${lang}": the outcomes page, and staff and an attorney closing a case (an error first), all under axe`, async () => {
      const today = localDate(h().ctx.jurisdiction, h().ctx.now());
      const ids = cases.get(lang);
      if (!ids) throw new Error('setup made no case');

      const visitor = await h().newPage();
      await visitor.goto(h().url(`/legal-defense/outcomes?lang=${lang}`));
      expect(await htmlLang(visitor)).toBe(lang);
      expect(await visitor.locator('svg[role="img"] > title').count()).toBe(3);
      // Published bars and hidden (dashed) ones are both drawn.
      expect(await visitor.locator('svg rect[stroke-dasharray]').count()).toBeGreaterThan(0);
      expect(await visitor.locator('table').count()).toBe(3);
      expect(await visitor.locator('a[href^="https://www.vera.org/"]').count()).toBeGreaterThan(0);
      await checkA11y(visitor);

      const staff = await signedIn(staffSession);
      await staff.goto(h().url(`/staff/legal-defense/cases/${ids.staff}?lang=${lang}`));
      const form = staff.locator(`form[action="/staff/legal-defense/cases/${ids.staff}/close"]`);
      expect(await form.count()).toBe(1);
      await checkA11y(staff);
      await form.locator('button[type="submit"]').click();
      await staff.waitForLoadState();
      expect(await staff.locator('#error-summary a[href="#field-closingReason"]').count()).toBe(1);
      expect(await htmlLang(staff)).toBe(lang);
      await checkA11y(staff);
      await staff.locator('select[name="closingReason"]').selectOption('released');
      await staff.locator('input[name="closedOn"]').fill(today);
      await staff.locator(`form[action="/staff/legal-defense/cases/${ids.staff}/close"] button[type="submit"]`).click();
      await staff.waitForURL((u) => u.search.includes('done=closed'));
      expect(await staff.locator('#closed-heading').count()).toBe(1);
      expect(await staff.locator(`form[action$="/close"]`).count()).toBe(0);
      await checkA11y(staff);

      const attorney = await signedIn(attorneySession);
      await attorney.goto(h().url(`/staff/legal-defense/assigned/${ids.attorney}?lang=${lang}`));
      await checkA11y(attorney);
      await attorney.locator('select[name="closingReason"]').selectOption('relief-granted');
      await attorney.locator('input[name="closedOn"]').fill(today);
      await attorney.locator(`form[action="/staff/legal-defense/assigned/${ids.attorney}/close"] button[type="submit"]`).click();
      await attorney.waitForURL((u) => u.pathname === '/staff/legal-defense/assigned' && u.search.includes('done=closed'));
      expect(await attorney.locator('.usa-alert--success').count()).toBe(1);
      expect(await attorney.locator(`a[href="/staff/legal-defense/assigned/${ids.attorney}"]`).count()).toBe(0);
      await checkA11y(attorney);
      const row = await h().ctx.db.kysely.selectFrom('legal_defense_cases').select(['status', 'closing_reason', 'outcome']).where('id', '=', ids.attorney).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'closed', closing_reason: 'relief-granted', outcome: 'relief-granted' });
    });
  }

  it('the outcomes page works without JavaScript', async () => {
    const page = await h().newPage({ javaScriptEnabled: false });
    await page.goto(h().url('/legal-defense/outcomes?lang=hmn'));
    expect(await page.locator('svg[role="img"]').count()).toBe(3);
    await checkA11yWithoutJs(h(), page);
  });
});
