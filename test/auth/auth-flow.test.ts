import { afterEach, beforeEach, expect, it } from 'vitest';
import { createStaffUser } from '../../src/core/auth/accounts.service.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { generateTotp } from '../../src/core/crypto/totp.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';

/** A clock the test moves by hand. */
function fakeClock(start = '2026-12-01T15:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms), at: () => t };
}

function tokenOf(link: string): string {
  return link.slice(link.lastIndexOf('/') + 1);
}

function secretOf(html: string): string {
  const m = /id="totp-secret">([^<]+)</.exec(html);
  if (!m?.[1]) throw new Error('no TOTP secret on the page');
  return m[1].replace(/\s+/g, '');
}

describeEachDialect('staff enrolment, sign-in and sign-out', (dialect) => {
  let t: TestApp;
  const clock = fakeClock();

  beforeEach(async () => {
    t = await createTestApp(dialect, { now: clock.now });
  });
  afterEach(async () => {
    await t.close();
  });

  it('an enrolment link expires after 72 hours, and a started enrolment stays in its browser', async () => {
    const { link } = await createStaffUser(t.ctx, { email: 'late@city.example', displayName: 'Late Comer', roles: ['office-staff'], actor: OPERATOR });
    const token = tokenOf(link);
    const mine = new TestBrowser(t.app);
    const password = 'thistle beacon marble current';
    expect((await mine.post(`/staff/enrol/${token}/password`, { password, confirm: password })).statusCode).toBe(303);
    // Someone else holding the link cannot take the half-finished enrolment over.
    const other = new TestBrowser(t.app);
    const taken = await other.get(`/staff/enrol/${token}`);
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('Continue in the browser where you started');
    expect((await other.post(`/staff/enrol/${token}/totp`, { code: '123456' })).statusCode).toBe(409);
    expect((await mine.get(`/staff/enrol/${token}`)).statusCode).toBe(200);

    clock.advance(72 * 60 * 60_000 + 1000);
    const expired = await mine.get(`/staff/enrol/${token}`);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('This link has expired');
    expect((await new TestBrowser(t.app).get(`/staff/enrol/${'x'.repeat(43)}`)).statusCode).toBe(404);
    expect((await new TestBrowser(t.app).get('/staff/enrol/short')).statusCode).toBeGreaterThanOrEqual(400);
  });

  it('enrols with password and TOTP, signs in, sees the staff home, signs out', async () => {
    const { link } = await createStaffUser(t.ctx, { email: 'Hodan.Case@City.example', displayName: 'Hodan Case', roles: ['program-staff'], actor: OPERATOR });
    expect(link).toMatch(/^http:\/\/localhost:\d+\/staff\/enrol\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(link);
    const b = new TestBrowser(t.app);

    let res = await b.get(`/staff/enrol/${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Choose a password');

    res = await b.post(`/staff/enrol/${token}/password`, { password: 'password1234', confirm: 'password1234' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('too common');

    const password = 'river lantern copper orchard';
    res = await b.post(`/staff/enrol/${token}/password`, { password, confirm: password });
    expect(res.statusCode).toBe(303);
    expect(b.cookie('__Host-enrol')).toBeTruthy();

    res = await b.get(`/staff/enrol/${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data:image/svg+xml;base64,');
    const secret = secretOf(res.body);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    res = await b.post(`/staff/enrol/${token}/totp`, { code: '000000' === generateTotp(secret, { now: clock.now() }) ? '111111' : '000000' });
    expect(res.statusCode).toBe(422);
    res = await b.post(`/staff/enrol/${token}/totp`, { code: generateTotp(secret, { now: clock.now() }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/login?notice=enrolled');

    // The link is spent.
    expect((await b.get(`/staff/enrol/${token}`)).statusCode).toBe(404);

    // The code typed at enrolment cannot be replayed to sign in.
    res = await b.post('/staff/login', { email: 'hodan.case@city.example', password, code: generateTotp(secret, { now: clock.now() }) });
    expect(res.statusCode).toBe(401);

    clock.advance(30_000);
    res = await b.post('/staff/login', { email: 'hodan.case@city.example', password, code: generateTotp(secret, { now: clock.now() }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff');
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-session='));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Domain=/i);
    const sessionId = b.cookie('__Host-session') ?? '';
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);

    res = await b.get('/staff');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Hodan Case');
    expect(res.body).toContain('Program staff');

    // Only a hash of the session id is stored.
    const rows = await t.ctx.db.kysely.selectFrom('auth_sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(sessionId);

    res = await b.post('/staff/logout', {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/login?notice=signedOut');
    expect(await t.ctx.db.kysely.selectFrom('auth_sessions').selectAll().execute()).toHaveLength(0);

    // The old id no longer works, even if replayed.
    const replay = new TestBrowser(t.app);
    replay.setCookie('__Host-session', sessionId);
    res = await replay.get('/staff');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/login?next=%2Fstaff');
  });
});
