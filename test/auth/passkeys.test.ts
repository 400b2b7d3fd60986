import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStaffUser } from '../../src/core/auth/accounts.service.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { SESSION_LIMITS } from '../../src/core/auth/sessions.service.ts';
import { generateTotp } from '../../src/core/crypto/totp.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { type CreationOptionsLike, type RequestOptionsLike, SoftAuthenticator } from '../helpers/webauthn.ts';

function fakeClock(start = '2026-12-01T15:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

const PASSWORD = 'quiet meadow signal harvest';

/** Registration options as the server sends them to `navigator.credentials.create()`. */
async function createOpts(b: TestBrowser, url: string): Promise<CreationOptionsLike> {
  const res = await b.postJson(url);
  expect(res.statusCode).toBe(200);
  return res.json<CreationOptionsLike>();
}

/** Assertion options as the server sends them to `navigator.credentials.get()`. */
async function getOpts(b: TestBrowser, url: string): Promise<RequestOptionsLike & { allowCredentials?: Array<{ id: string }> }> {
  const res = await b.postJson(url);
  expect(res.statusCode).toBe(200);
  return res.json<RequestOptionsLike>();
}

function secretOf(html: string): string {
  return (/id="totp-secret">([^<]+)</.exec(html)?.[1] ?? '').replace(/\s+/g, '');
}

describeEachDialect('passkeys (WebAuthn with a software authenticator)', (dialect) => {
  let t: TestApp;
  const clock = fakeClock();
  let origin: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
    origin = new URL(t.config.baseUrl).origin;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Enrols an account of the given role through the pages, registering `key` when a passkey is required. */
  async function enrol(email: string, role: 'admin' | 'counsel' | 'office-staff') {
    const { link } = await createStaffUser(t.ctx, { email, displayName: `${role} person`, roles: [role], actor: OPERATOR });
    const token = link.slice(link.lastIndexOf('/') + 1);
    const b = new TestBrowser(t.app);
    expect((await b.post(`/staff/enrol/${token}/password`, { password: PASSWORD, confirm: PASSWORD })).statusCode).toBe(303);
    const secret = secretOf((await b.get(`/staff/enrol/${token}`)).body);
    const res = await b.post(`/staff/enrol/${token}/totp`, { code: generateTotp(secret, { now: clock.now() }) });
    expect(res.statusCode).toBe(303);
    return { b, token, secret, afterTotp: res };
  }

  it('requires admins to register a passkey at enrolment, then signs them in with password + passkey', async () => {
    const key = new SoftAuthenticator(origin);
    const { b, token, secret, afterTotp } = await enrol('root@city.example', 'admin');
    // Not done yet: the passkey step follows, and the account is still pending.
    expect(afterTotp.headers.location).toBe(`/staff/enrol/${token}`);
    const page = await b.get(`/staff/enrol/${token}`);
    expect(page.body).toContain('Register your passkey');
    expect(page.body).toContain('Passkeys need JavaScript');
    const pending = await b.post('/staff/login', { email: 'root@city.example', password: PASSWORD, code: generateTotp(secret, { now: clock.now() }) });
    expect(pending.statusCode).toBe(401);

    const optionsRes = await b.postJson(`/staff/enrol/${token}/passkey-options`);
    expect(optionsRes.statusCode).toBe(200);
    const options = optionsRes.json<CreationOptionsLike & { authenticatorSelection: unknown }>();
    expect(options.rp.id).toBe('localhost');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });

    // A response for another origin (a phishing site) is refused.
    const phished = key.register(options, { origin: 'https://sanctuary-login.example' });
    const refused = await b.post(`/staff/enrol/${token}/passkey`, { credential: JSON.stringify(phished) });
    expect(refused.statusCode).toBe(422);

    const fresh = await createOpts(b, `/staff/enrol/${token}/passkey-options`);
    const registered = await b.post(`/staff/enrol/${token}/passkey`, { credential: JSON.stringify(key.register(fresh)) });
    expect(registered.statusCode).toBe(303);
    expect(registered.headers.location).toBe('/staff/login?notice=enrolled');
    const stored = await t.ctx.db.kysely.selectFrom('auth_passkeys').selectAll().execute();
    expect(stored.map((p) => p.id)).toContain(key.id);

    // Sign in with e-mail, password and the passkey (no code).
    const login = new TestBrowser(t.app);
    const assertOptions = await getOpts(login, '/staff/login/passkey-options');
    expect(assertOptions.allowCredentials ?? []).toEqual([]);
    const assertion = key.assert(assertOptions);
    const ok = await login.post('/staff/login', { email: 'root@city.example', password: PASSWORD, passkey: JSON.stringify(assertion) });
    expect(ok.statusCode).toBe(303);
    expect((await login.get('/staff/users')).statusCode).toBe(200);

    // The challenge was spent: replaying the same assertion fails, with the generic answer.
    const replay = await new TestBrowser(t.app).post('/staff/login', { email: 'root@city.example', password: PASSWORD, passkey: JSON.stringify(assertion) });
    expect(replay.statusCode).toBe(401);

    // A passkey does not replace the password.
    const opts2 = await getOpts(login, '/staff/login/passkey-options');
    const noPassword = await new TestBrowser(t.app).post('/staff/login', { email: 'root@city.example', password: 'wrong password entirely', passkey: JSON.stringify(key.assert(opts2)) });
    expect(noPassword.statusCode).toBe(401);

    // Signed in with the authenticator code instead, the admin role is withheld (R1).
    clock.advance(30_000);
    const totpOnly = new TestBrowser(t.app);
    expect((await totpOnly.post('/staff/login', { email: 'root@city.example', password: PASSWORD, code: generateTotp(secret, { now: clock.now() }) })).statusCode).toBe(303);
    expect((await totpOnly.get('/staff/users')).statusCode).toBe(403);
  });

  it('refuses a key without user verification, a wrong-origin assertion and another user’s passkey', async () => {
    const mine = new SoftAuthenticator(origin);
    const { b, token } = await enrol('counsel1@city.example', 'counsel');
    const noUv = new SoftAuthenticator(origin);
    noUv.userVerified = false;
    let options = await createOpts(b, `/staff/enrol/${token}/passkey-options`);
    expect((await b.post(`/staff/enrol/${token}/passkey`, { credential: JSON.stringify(noUv.register(options)) })).statusCode).toBe(422);
    options = await createOpts(b, `/staff/enrol/${token}/passkey-options`);
    expect((await b.post(`/staff/enrol/${token}/passkey`, { credential: JSON.stringify(mine.register(options)) })).statusCode).toBe(303);

    const other = new SoftAuthenticator(origin);
    const e2 = await enrol('counsel2@city.example', 'counsel');
    options = await createOpts(e2.b, `/staff/enrol/${e2.token}/passkey-options`);
    expect((await e2.b.post(`/staff/enrol/${e2.token}/passkey`, { credential: JSON.stringify(other.register(options)) })).statusCode).toBe(303);

    const login = new TestBrowser(t.app);
    const o1 = await getOpts(login, '/staff/login/passkey-options');
    const foreign = await login.post('/staff/login', { email: 'counsel1@city.example', password: PASSWORD, passkey: JSON.stringify(other.assert(o1)) });
    expect(foreign.statusCode).toBe(401);
    const o2 = await getOpts(login, '/staff/login/passkey-options');
    const wrongOrigin = await login.post('/staff/login', {
      email: 'counsel1@city.example',
      password: PASSWORD,
      passkey: JSON.stringify(mine.assert(o2, { origin: 'https://evil.example' })),
    });
    expect(wrongOrigin.statusCode).toBe(401);
    const o3 = await getOpts(login, '/staff/login/passkey-options');
    const ok = await login.post('/staff/login', { email: 'counsel1@city.example', password: PASSWORD, passkey: JSON.stringify(mine.assert(o3)) });
    expect(ok.statusCode).toBe(303);

    // A challenge expires after 5 minutes.
    const late = new TestBrowser(t.app);
    const o4 = await getOpts(late, '/staff/login/passkey-options');
    clock.advance(5 * 60_000 + 1000);
    expect((await late.post('/staff/login', { email: 'counsel1@city.example', password: PASSWORD, passkey: JSON.stringify(mine.assert(o4)) })).statusCode).toBe(401);
  });

  it('step-up: a fresh passkey assertion unlocks role changes for 5 minutes (R10)', async () => {
    const key = new SoftAuthenticator(origin);
    const { b, token } = await enrol('boss@city.example', 'admin');
    const o = await createOpts(b, `/staff/enrol/${token}/passkey-options`);
    expect((await b.post(`/staff/enrol/${token}/passkey`, { credential: JSON.stringify(key.register(o)) })).statusCode).toBe(303);
    const admin = new TestBrowser(t.app);
    const lo = await getOpts(admin, '/staff/login/passkey-options');
    expect((await admin.post('/staff/login', { email: 'boss@city.example', password: PASSWORD, passkey: JSON.stringify(key.assert(lo)) })).statusCode).toBe(303);

    const worker = await signInAs(t, 'program-staff');
    const target = `/staff/users/${worker.userId}`;

    // Without a step-up the page offers it, and the action itself is refused with 401.
    const page = await admin.get(target);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/staff/step-up?purpose=role-change');
    const stale = await admin.post(`${target}/roles`, { roles: ['office-staff'] });
    expect(stale.statusCode).toBe(401);
    expect(stale.body).toContain('fresh confirmation with your passkey');

    // The step-up ceremony.
    const stepPage = await admin.get(`/staff/step-up?purpose=role-change&next=${encodeURIComponent(target)}`);
    expect(stepPage.statusCode).toBe(200);
    expect(stepPage.body).toContain('You are about to change who can do what');
    const so = await getOpts(admin, '/staff/step-up/options');
    expect((so.allowCredentials ?? []).map((c) => c.id)).toEqual([key.id]);
    // Another person's passkey does not step up this session.
    const stranger = new SoftAuthenticator(origin);
    const bad = await admin.post('/staff/step-up', { purpose: 'role-change', next: target, passkey: JSON.stringify(stranger.assert(so)) });
    expect(bad.statusCode).toBe(401);
    const so2 = await getOpts(admin, '/staff/step-up/options');
    const good = await admin.post('/staff/step-up', { purpose: 'role-change', next: target, passkey: JSON.stringify(key.assert(so2)) });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe(target);

    const changed = await admin.post(`${target}/roles`, { roles: ['office-staff', 'program-staff'] });
    expect(changed.statusCode).toBe(303);
    const roles = await t.ctx.db.kysely.selectFrom('auth_user_roles').select('role').where('user_id', '=', worker.userId).orderBy('role').execute();
    expect(roles.map((r) => r.role)).toEqual(['office-staff', 'program-staff']);
    // Role changes apply on the person's next request.
    expect((await worker.get('/staff')).body).toContain('Office staff');

    // After 5 minutes the step-up is stale again.
    clock.advance(SESSION_LIMITS.stepUpMs + 1000);
    expect((await admin.post(`${target}/roles`, { roles: ['program-staff'] })).statusCode).toBe(401);
    // An open redirect through `next` is not possible.
    const so3 = await getOpts(admin, '/staff/step-up/options');
    const evil = await admin.post('/staff/step-up', { purpose: 'role-change', next: '//evil.example/x', passkey: JSON.stringify(key.assert(so3)) });
    expect(evil.headers.location).toBe('/staff');

    const audit = await t.ctx.db.kysely.selectFrom('audit_log').select(['action', 'outcome', 'detail', 'record_id']).where('action', 'in', ['auth.step-up', 'admin.role-grant']).execute();
    expect(audit.some((a) => a.action === 'auth.step-up' && a.outcome === 'failure' && a.detail === 'purpose.role-change')).toBe(true);
    expect(audit).toContainEqual({ action: 'admin.role-grant', outcome: 'success', detail: 'role.office-staff', record_id: worker.userId });
  });

  it('adding a passkey needs the password and ends every session (R9)', async () => {
    const staff = await signInAs(t, ['office-staff', 'counsel'], { factor: 'totp' });
    const other = new TestBrowser(t.app);
    // A second session of the same account, via the helper's credentials.
    clock.advance(30_000);
    expect(
      (await other.post('/staff/login', { email: staff.email, password: 'correct horse battery staple', code: generateTotp(staff.totpSecret, { now: clock.now() }) }))
        .statusCode,
    ).toBe(303);
    const key = new SoftAuthenticator(origin);
    let o = await createOpts(staff, '/staff/account/passkey-options');
    const wrong = await staff.post('/staff/account/passkey', { password: 'not my password', credential: JSON.stringify(key.register(o)) });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('Your password is not right');
    o = await createOpts(staff, '/staff/account/passkey-options');
    const added = await staff.post('/staff/account/passkey', { password: 'correct horse battery staple', credential: JSON.stringify(key.register(o)) });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe('/staff/login?notice=passkeyAdded');
    expect((await staff.get('/staff')).statusCode).toBe(303);
    expect((await other.get('/staff')).statusCode).toBe(303);
    expect(await t.ctx.db.kysely.selectFrom('auth_sessions').selectAll().where('user_id', '=', staff.userId).execute()).toEqual([]);
    // Now the counsel role works with the passkey.
    const b = new TestBrowser(t.app);
    const lo = await getOpts(b, '/staff/login/passkey-options');
    expect((await b.post('/staff/login', { email: staff.email, password: 'correct horse battery staple', passkey: JSON.stringify(key.assert(lo)) })).statusCode).toBe(303);
    expect((await b.get('/staff')).body).not.toContain('Sign in with your passkey to use all your roles');
  });
});
