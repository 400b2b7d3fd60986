import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStaffUser } from '../../src/core/auth/accounts.service.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { authSchedules } from '../../src/core/auth/auth.jobs.ts';
import { purgeAuthHousekeeping } from '../../src/core/auth/housekeeping.service.ts';
import { demoEmail, seedDemoStaff } from '../../src/core/auth/demo-staff.ts';
import { seedDemo } from '../../src/core/demo/demo.ts';
import { generateTotp } from '../../src/core/crypto/totp.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';

function fakeClock(start = '2026-12-01T15:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

describeEachDialect('staff account administration pages', (dialect) => {
  let t: TestApp;
  const clock = fakeClock();

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists accounts, creates one after a step-up, shows its link once, disables it', async () => {
    const admin = await signInAs(t, 'admin', { displayName: 'Root Admin' });
    const list = await admin.get('/staff/users');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(admin.email);
    expect(list.body).toContain('Administrator');
    // The staff navigation offers the page to admins.
    expect(list.body).toContain('href="/staff/users"');

    const form = await admin.get('/staff/users/new');
    expect(form.body).toContain('/staff/step-up?purpose=role-change');
    expect((await admin.post('/staff/users', { email: 'new@city.example', displayName: 'New Person', roles: 'office-staff' })).statusCode).toBe(401);

    await admin.stepUp();
    const invalid = await admin.post('/staff/users', { email: 'nope', displayName: '', roles: ['root'] });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Enter an email address like name@example.org');
    expect(invalid.body).toContain('Enter the person&#39;s name');
    expect(invalid.body).toContain('Choose roles from the list');

    const created = await admin.post('/staff/users', { email: 'new@city.example', displayName: 'New Person', roles: ['office-staff', 'program-staff'] });
    expect(created.statusCode).toBe(201);
    const link = /(http:\/\/localhost:\d+\/staff\/enrol\/[A-Za-z0-9_-]{43})/.exec(created.body)?.[1];
    expect(link).toBeTruthy();
    const dup = await admin.post('/staff/users', { email: 'NEW@city.example', displayName: 'Again', roles: 'office-staff' });
    expect(dup.statusCode).toBe(409);
    expect(dup.body).toContain('already an account');

    const userId = (await t.ctx.db.kysely.selectFrom('auth_users').select('id').where('display_name', '=', 'New Person').executeTakeFirstOrThrow()).id;
    const detail = await admin.get(`/staff/users/${userId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('Not yet enrolled');
    expect(detail.body).not.toContain(link ?? '-');
    const relink = await admin.post(`/staff/users/${userId}/link`, {});
    expect(relink.statusCode).toBe(200);
    expect(relink.body).toMatch(/\/staff\/enrol\/[A-Za-z0-9_-]{43}/);
    expect((await new TestBrowser(t.app).get(new URL(link ?? '').pathname)).statusCode).toBe(404);

    const disabled = await admin.post(`/staff/users/${userId}/disable`, {});
    expect(disabled.statusCode).toBe(303);
    expect((await admin.get(`/staff/users/${userId}?notice=disabled`)).body).toContain('The account was disabled');
    expect((await admin.get(`/staff/users/${randomLike()}`)).statusCode).toBe(404);
    expect((await admin.get('/staff/users/not-an-id')).statusCode).toBe(404);

    const actions = await t.ctx.db.kysely.selectFrom('audit_log').select(['action', 'actor_id', 'record_id']).where('record_id', '=', userId).orderBy('seq').execute();
    expect(actions.map((a) => a.action)).toEqual(['admin.user-create', 'admin.role-grant', 'admin.role-grant', 'admin.enrolment-link', 'admin.user-disable']);
    expect(new Set(actions.map((a) => a.actor_id))).toEqual(new Set([admin.userId]));
  });

  it('two simultaneous creations of one address: one account, one conflict (never a 500)', async () => {
    const results = await Promise.allSettled(
      [1, 2].map((n) => createStaffUser(t.ctx, { email: 'race@city.example', displayName: `Racer ${n}`, roles: ['office-staff'], actor: OPERATOR })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' ? (rejected.reason as { code?: string }).code : undefined).toBe('conflict');
  });

  it('refuses to disable or demote the last active administrator', async () => {
    const admins = await t.ctx.db.kysely.selectFrom('auth_user_roles').select('user_id').where('role', '=', 'admin').execute();
    for (const a of admins) await t.ctx.db.kysely.updateTable('auth_users').set({ status: 'disabled' }).where('id', '=', a.user_id).execute();
    const admin = await signInAs(t, 'admin', { stepUp: true });
    const self = await admin.post(`/staff/users/${admin.userId}/disable`, {});
    expect(self.statusCode).toBe(409);
    expect(self.body).toContain('last active administrator');
    const demote = await admin.post(`/staff/users/${admin.userId}/roles`, { roles: 'office-staff' });
    expect(demote.statusCode).toBe(409);
    const none = await admin.post(`/staff/users/${admin.userId}/roles`, {});
    expect(none.statusCode).toBe(422);
  });

  it('purges expired sessions, challenges, spent links and old throttle counters', async () => {
    const b = await signInAs(t, 'program-staff');
    await new TestBrowser(t.app).postJson('/staff/login/passkey-options');
    await createStaffUser(t.ctx, { email: 'late@city.example', displayName: 'Late', roles: ['office-staff'], actor: OPERATOR });
    clock.advance(73 * 60 * 60_000);
    // It runs hourly as a scheduled job.
    expect(t.ctx.jobs.schedules().map((j) => j.name)).toContain('auth.housekeeping');
    const before = await t.ctx.db.kysely.selectFrom('auth_webauthn_challenges').select('challenge').execute();
    expect(before.length).toBeGreaterThan(0);
    const receipt = await purgeAuthHousekeeping(t.ctx);
    expect(receipt.sessions).toBeGreaterThan(0);
    expect(receipt.challenges).toBeGreaterThan(0);
    expect(receipt.enrolments).toBeGreaterThan(0);
    expect(await t.ctx.db.kysely.selectFrom('auth_sessions').selectAll().execute()).toEqual([]);
    expect((await b.get('/staff')).statusCode).toBe(303);
    // Through the job handler too (nothing left to remove now).
    const handler = authSchedules[0]?.handler;
    await handler?.({}, { ctx: t.ctx, jobId: 'test', attempt: 1, scheduledFor: null, signal: new AbortController().signal });
    expect(await t.ctx.db.kysely.selectFrom('auth_webauthn_challenges').selectAll().execute()).toEqual([]);
  });
});

describeEachDialect('demo staff accounts', (dialect) => {
  let t: TestApp;
  const clock = fakeClock();

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now, env: { DEMO: 'true' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('seeds one account per role, prints credentials, and lets the demo admin use a code where a passkey is needed', async () => {
    const lines: string[] = [];
    await seedDemo(t.ctx, [], (l) => lines.push(l));
    const printed = lines.join('\n');
    expect(printed).toContain('/staff/login');
    const row = lines.map((l) => l.trim().split(/\s+/)).find((cols) => cols[0] === demoEmail('admin'));
    expect(row).toBeDefined();
    const [, password = '', secret = ''] = row ?? [];
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(printed).toContain('A real installation never allows it');

    const b = new TestBrowser(t.app);
    const res = await b.post('/staff/login', { email: demoEmail('admin'), password, code: generateTotp(secret, { now: clock.now() }) });
    expect(res.statusCode).toBe(303);
    const home = await b.get('/staff');
    expect(home.body).toContain('Demo: signed in without a passkey');
    expect((await b.get('/staff/users')).statusCode).toBe(200);

    // Step-up with a code, demo only.
    const page = await b.get('/staff/step-up?purpose=role-change&next=/staff/users');
    expect(page.body).toContain('Demo only: confirm with a code');
    clock.advance(30_000);
    const stepped = await b.post('/staff/step-up', { purpose: 'role-change', next: '/staff/users', code: generateTotp(secret, { now: clock.now() }) });
    expect(stepped.statusCode).toBe(303);
    expect((await b.get('/staff/users/new')).body).toContain('name="email"');

    // Seeding again without force refuses; the exception ends when DEMO is off.
    await expect(seedDemoStaff(t.ctx)).rejects.toThrow(/already exists/);
    t.ctx.config.demo = false;
    try {
      const after = await b.get('/staff/users');
      expect(after.statusCode).toBe(403);
    } finally {
      t.ctx.config.demo = true;
    }
  });

  it('a non-demo admin gets no demo exception even while DEMO is on', async () => {
    const admin = await signInAs(t, 'admin', { factor: 'totp' });
    expect((await admin.get('/staff/users')).statusCode).toBe(403);
    const page = await admin.get('/staff/step-up?purpose=role-change');
    expect(page.body).not.toContain('Demo only');
    expect(page.body).toContain('You have no passkey yet');
    clock.advance(30_000);
    const tried = await admin.post('/staff/step-up', { purpose: 'role-change', next: '/staff', code: generateTotp(admin.totpSecret, { now: clock.now() }) });
    expect(tried.statusCode).toBe(401);
  });
});

function randomLike(): string {
  return '01JD0000000000000000000000';
}
