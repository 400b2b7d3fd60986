import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { disableUser, provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { SESSION_LIMITS } from '../../src/core/auth/sessions.service.ts';
import { THROTTLE_POLICY } from '../../src/core/auth/throttle.service.ts';
import { PASSWORD_HASH_PARAMS } from '../../src/core/crypto/passwords.ts';
import { generateTotp, generateTotpSecret } from '../../src/core/crypto/totp.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';

function fakeClock(start = '2026-12-01T15:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

const PASSWORD = 'maple harbor violet engine';

/** The visible message of a failed sign-in, without the parts that legitimately differ (tokens, ids). */
function failureShape(res: { statusCode: number; body: string }) {
  const main = /<main[\s\S]*<\/main>/.exec(res.body)?.[0] ?? '';
  return { status: res.statusCode, main: main.replace(/value="[^"]*"/g, 'value=""') };
}

describeEachDialect('staff sign-in', (dialect) => {
  let t: TestApp;
  const clock = fakeClock();
  let secret: string;
  let userId: string;
  let seq = 0;
  let email: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    // A fresh account (and a fresh throttle key) for every test; the clock moves on so TOTP steps are new.
    clock.advance(60 * 60_000);
    secret = generateTotpSecret();
    seq += 1;
    email = `worker${seq}@city.example`;
    ({ userId } = await provisionStaffUser(t.ctx, { email, displayName: `Worker ${seq}`, roles: ['office-staff'], password: PASSWORD, totpSecret: secret }));
  });

  const code = () => generateTotp(secret, { now: clock.now() });
  const login = (b: TestBrowser, form: Record<string, string>, ip = '203.0.113.7') =>
    b.post('/staff/login', form, { 'x-forwarded-for': ip });

  it('stores the password as argon2id with the OWASP parameters and a unique salt (R3)', async () => {
    await provisionStaffUser(t.ctx, { email: 'same-password@city.example', displayName: 'Same', roles: ['office-staff'], password: PASSWORD, totpSecret: secret });
    const rows = await t.ctx.db.kysely.selectFrom('auth_users').select(['password_hash', 'totp_secret', 'email_lookup', 'email_display']).execute();
    const salts = new Set<string>();
    for (const r of rows) {
      // PHC string: $argon2id$v=19$<params>$<salt ≥ 16 bytes>$<hash 32 bytes> (node-argon2 writes m,p,t).
      const m = /^\$argon2id\$v=19\$([a-z=0-9,]+)\$([A-Za-z0-9+/]{22,})\$([A-Za-z0-9+/]{43})$/.exec(r.password_hash ?? '');
      expect(m, r.password_hash ?? 'null').not.toBeNull();
      const params = Object.fromEntries((m?.[1] ?? '').split(',').map((kv): [string, number] => [kv.split('=')[0] ?? '', Number(kv.split('=')[1])]));
      expect(params).toEqual({ m: PASSWORD_HASH_PARAMS.memoryCost, t: PASSWORD_HASH_PARAMS.timeCost, p: PASSWORD_HASH_PARAMS.parallelism });
      salts.add(m?.[2] ?? '');
      // TOTP secret and e-mail are sealed, and the lookup key is a keyed blind index, not the address.
      expect(r.totp_secret).toMatch(/^s1\./);
      expect(r.email_display).toMatch(/^s1\./);
      expect(r.email_lookup).toMatch(/^[0-9a-f]{32}$/);
    }
    // Two accounts with the same password: different salts, different hashes.
    expect(salts.size).toBe(rows.length);
    const rawUser = JSON.stringify(await t.ctx.db.kysely.selectFrom('auth_users').selectAll().where('id', '=', userId).execute());
    expect(rawUser).not.toContain(email);
    expect(rawUser).not.toContain(secret);
  });

  it('gives the same response for a wrong password, a wrong code, a replayed code and an unknown e-mail (R5)', async () => {
    const good = code();
    const b = new TestBrowser(t.app);
    const ok = await login(b, { email, password: PASSWORD, code: good });
    expect(ok.statusCode).toBe(303);

    const attempts = {
      wrongPassword: await login(new TestBrowser(t.app), { email, password: `${PASSWORD}x`, code: good }),
      wrongCode: await login(new TestBrowser(t.app), { email, password: PASSWORD, code: good === '123456' ? '654321' : '123456' }),
      replayedCode: await login(new TestBrowser(t.app), { email, password: PASSWORD, code: good }),
      unknownEmail: await login(new TestBrowser(t.app), { email: 'nobody@city.example', password: PASSWORD, code: good }),
      noCode: await login(new TestBrowser(t.app), { email, password: PASSWORD, code: '' }),
    };
    const shapes = Object.values(attempts).map((r) => failureShape(r));
    expect(shapes[0]?.status).toBe(401);
    for (const s of shapes) expect(s).toEqual(shapes[0]);
    expect(attempts.unknownEmail.body).toContain('The email, password or code is not right');
  });

  it('does the same work for an unknown e-mail and a wrong password (argon2 runs either way)', async () => {
    // CPU time of this process (argon2's worker threads included), not wall time: it measures the work done
    // and does not move when other processes load the machine.
    const time = async (form: Record<string, string>) => {
      const start = process.cpuUsage();
      await login(new TestBrowser(t.app), form, `198.51.100.${Math.floor(Math.random() * 200)}`);
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) {
      // Compare full verifications, not a lockout (which answers early for known and unknown alike).
      await t.ctx.db.kysely.deleteFrom('auth_throttle').execute();
      known.push(await time({ email, password: 'wrong password here', code: '000000' }));
      unknown.push(await time({ email: `ghost${i}@city.example`, password: 'wrong password here', code: '000000' }));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    // An argon2 verification takes tens of ms; skipping it for unknown accounts would make them ~10× faster.
    expect(median(unknown)).toBeGreaterThan(median(known) / 2);
    expect(median(unknown)).toBeLessThan(median(known) * 2);
  });

  it('locks an account out exponentially after repeated failures, for known and unknown e-mails alike (R4)', async () => {
    const { free, baseMs } = THROTTLE_POLICY.account;
    for (const target of [email, 'ghost-lock@city.example']) {
      for (let i = 0; i < free; i++) {
        const r = await login(new TestBrowser(t.app), { email: target, password: 'not the password', code: '000000' }, `192.0.2.${i + 1}`);
        expect(r.statusCode).toBe(401);
      }
      // Locked now: even the right password and code are refused, with the same page for both addresses.
      const locked = await login(new TestBrowser(t.app), { email: target, password: PASSWORD, code: code() }, '192.0.2.99');
      expect(locked.statusCode).toBe(429);
      expect(locked.headers['retry-after']).toBe(String(baseMs / 1000));
      expect(locked.body).toContain('signing in is paused');
    }
    clock.advance(baseMs + 1000);
    // One more failure doubles the lock.
    await login(new TestBrowser(t.app), { email, password: 'still wrong', code: '000000' }, '192.0.2.50');
    const again = await login(new TestBrowser(t.app), { email, password: PASSWORD, code: code() }, '192.0.2.51');
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBe((2 * baseMs) / 1000);
    clock.advance(2 * baseMs + 1000);
    const ok = await login(new TestBrowser(t.app), { email, password: PASSWORD, code: code() }, '192.0.2.52');
    expect(ok.statusCode).toBe(303);
    // Success clears the account counter.
    const rows = await t.ctx.db.kysely.selectFrom('auth_throttle').selectAll().where('key', 'like', 'account:%').execute();
    expect(rows.some((r) => r.failures >= free && r.key.includes(t.ctx.vault.blindIndex('auth_users.email', email, { normalize: 'email', bits: 128 })))).toBe(false);
  });

  it('never allows more than 100 consecutive failed guesses on one account (R4)', async () => {
    let accepted = 0;
    for (let i = 0; i < 110; i++) {
      const r = await login(new TestBrowser(t.app), { email, password: `guess ${i} wrong`, code: '000000' }, `10.0.${Math.floor(i / 200)}.${i % 200}`);
      if (r.statusCode === 401) accepted++;
      else expect(r.statusCode).toBe(429);
      clock.advance(1000);
    }
    expect(accepted).toBeLessThanOrEqual(THROTTLE_POLICY.account.free + 3);
  });

  it('throttles one IP address across accounts', async () => {
    const ip = '198.18.0.1';
    let locked = false;
    for (let i = 0; i <= THROTTLE_POLICY.ip.free && !locked; i++) {
      const r = await login(new TestBrowser(t.app), { email: `spray${i}@city.example`, password: 'Winter2026!!', code: '000000' }, ip);
      locked = r.statusCode === 429;
    }
    expect(locked).toBe(true);
    // The real user from another address is not affected.
    const ok = await login(new TestBrowser(t.app), { email, password: PASSWORD, code: code() }, '198.18.0.2');
    expect(ok.statusCode).toBe(303);
  });

  it('upgrades a password hash made with weaker parameters at the next sign-in', async () => {
    const argon2 = (await import('argon2')).default;
    const weak = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await t.ctx.db.kysely.updateTable('auth_users').set({ password_hash: weak }).where('id', '=', userId).execute();
    expect((await login(new TestBrowser(t.app), { email, password: PASSWORD, code: code() })).statusCode).toBe(303);
    const row = await t.ctx.db.kysely.selectFrom('auth_users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
    expect(row.password_hash).not.toBe(weak);
    expect(row.password_hash).toContain(`m=${PASSWORD_HASH_PARAMS.memoryCost}`);
  });

  it('rotates the session id at sign-in and ends the previous session', async () => {
    const b = new TestBrowser(t.app);
    expect((await login(b, { email, password: PASSWORD, code: code() })).statusCode).toBe(303);
    const first = b.cookie('__Host-session');
    clock.advance(30_000);
    expect((await login(b, { email, password: PASSWORD, code: code() })).statusCode).toBe(303);
    const second = b.cookie('__Host-session');
    expect(second).not.toBe(first);
    const old = new TestBrowser(t.app);
    old.setCookie('__Host-session', first ?? '');
    expect((await old.get('/staff')).statusCode).toBe(303);
    expect((await b.get('/staff')).statusCode).toBe(200);
  });

  it('ends a session after 30 minutes idle and after 12 hours in any case (R8)', async () => {
    const b = new TestBrowser(t.app);
    expect((await login(b, { email, password: PASSWORD, code: code() })).statusCode).toBe(303);
    clock.advance(SESSION_LIMITS.idleMs - 60_000);
    expect((await b.get('/staff')).statusCode).toBe(200);
    clock.advance(SESSION_LIMITS.idleMs - 60_000);
    expect((await b.get('/staff')).statusCode).toBe(200);
    clock.advance(SESSION_LIMITS.idleMs + 1);
    const idle = await b.get('/staff');
    expect(idle.statusCode).toBe(303);
    expect(idle.headers.location).toMatch(/^\/staff\/login/);

    // Active all the time, still ends at 12 hours.
    clock.advance(30_000);
    const c = new TestBrowser(t.app);
    expect((await login(c, { email, password: PASSWORD, code: code() })).statusCode).toBe(303);
    let elapsed = 0;
    while (elapsed + 20 * 60_000 < SESSION_LIMITS.absoluteMs) {
      clock.advance(20 * 60_000);
      elapsed += 20 * 60_000;
      expect((await c.get('/staff')).statusCode).toBe(200);
    }
    clock.advance(SESSION_LIMITS.absoluteMs - elapsed);
    expect((await c.get('/staff')).statusCode).toBe(303);
  });

  it('gives admins and counsel a 15-minute idle timeout (R8)', async () => {
    for (const role of ['admin', 'counsel'] as const) {
      const b = await signInAs(t, role);
      expect((await b.get('/staff')).statusCode).toBe(200);
      clock.advance(SESSION_LIMITS.highAssuranceIdleMs - 1000);
      expect((await b.get('/staff')).statusCode).toBe(200);
      clock.advance(SESSION_LIMITS.highAssuranceIdleMs + 1);
      expect((await b.get('/staff')).statusCode).toBe(303);
    }
  });

  it('ends every session of an account when it is disabled (R9)', async () => {
    const browsers = [new TestBrowser(t.app), new TestBrowser(t.app)];
    for (const b of browsers) {
      expect((await login(b, { email, password: PASSWORD, code: code() })).statusCode).toBe(303);
      clock.advance(30_000);
    }
    for (const b of browsers) expect((await b.get('/staff')).statusCode).toBe(200);
    const { sessionsEnded } = await disableUser(t.ctx, { userId, actor: OPERATOR });
    expect(sessionsEnded).toBe(2);
    for (const b of browsers) expect((await b.get('/staff')).statusCode).toBe(303);
    // And the account cannot sign in again — with the same generic answer.
    clock.advance(30_000);
    const r = await login(new TestBrowser(t.app), { email, password: PASSWORD, code: code() });
    expect(r.statusCode).toBe(401);
  });

  it('withholds admin powers from a session opened without a passkey (R1)', async () => {
    const admin = await signInAs(t, ['admin', 'office-staff'], { factor: 'totp' });
    expect((await admin.get('/staff/users')).statusCode).toBe(403);
    const home = await admin.get('/staff');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Sign in with your passkey to use all your roles');
    const withKey = await signInAs(t, ['admin', 'office-staff'], { factor: 'passkey' });
    expect((await withKey.get('/staff/users')).statusCode).toBe(200);
  });

  it('audits sign-ins and failed attempts without personal values', async () => {
    const b = new TestBrowser(t.app);
    await login(b, { email, password: 'wrong wrong wrong', code: '000000' });
    await login(b, { email, password: PASSWORD, code: code() });
    const entries = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'auth.login').orderBy('seq', 'desc').limit(2).execute();
    const [success, failure] = entries;
    expect(success).toMatchObject({ outcome: 'success', actor_id: userId, record_id: userId, detail: 'factor.totp' });
    expect(failure).toMatchObject({ outcome: 'failure', actor_id: null, record_id: userId, detail: 'reason.bad-credentials' });
    expect(JSON.stringify(entries)).not.toContain(email);
  });
});
