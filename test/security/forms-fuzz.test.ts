/**
 * Fuzzing the public form endpoints (issue 2, "Bad input"): ≥ 10,000 generated requests — random field names
 * and values, huge strings, invalid percent-encoding, invalid UTF-8 bytes, control characters, wrong content
 * types, JSON instead of urlencoded, path traversal under /assets, very long query strings — against one app
 * instance with `app.inject`. Every response must be below 500, and a 4xx must leave the database exactly as it
 * was (no draft created, changed or deleted; no request stored).
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';

const RUNS = 10_000;
const FORM = '/forms/office-help';
const STEPS = ['topic', 'description', 'language', 'other-language', 'contact', 'phone', 'email', 'name'];
const PAGES = ['', '/start', '/check', '/submit', '/confirmation', '/resume', '/status', '/discard', ...STEPS.map((s) => `/${s}`)];
const FIELDS = ['topic', 'description', 'language', 'languageOther', 'contactMethod', 'phone', 'email', 'name', 'code', '_action', '_csrf'];
const GOOD_VALUES = ['id', 'lawyer', 'work', 'other', 'en', 'es', 'phone', 'email', 'none', 'text', 'save', '612 555 0100', 'a@b.org', 'Ana'];

/** Percent-encodes like a browser; lone surrogates (which encodeURIComponent refuses) become raw CESU bytes, i.e. invalid UTF-8. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        return '%ED%A0%80';
      }
    }).join('');
  }
}

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u0007', '\u001b[31m', '\r\n\r\n', '\uD800', '\uDFFF', '𝕏🙂', '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', '%00', '{"a":1}', ...GOOD_VALUES),
  fc.integer({ min: 0, max: 20_000 }).map((n) => 'ü'.repeat(n)),
);
const fieldName = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...FIELDS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'immigrationStatus', 'topic[]', 'x'.repeat(150), 'born-day') },
);
const pairs = fc.array(fc.tuple(fieldName, nasty), { maxLength: 8 });
const rawPercent = fc.constantFrom('%', '%G1', '%C3%28', '%E0%A4%A', '%FF%FE', '%ED%A0%80', '%%', 'a=%zz', '=&=&', '&&&');

type Body = { payload?: string | Buffer; type?: string };
const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 6, arbitrary: pairs.map((p) => ({ payload: p.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'), type: 'application/x-www-form-urlencoded' })) },
  { weight: 1, arbitrary: fc.tuple(pairs, rawPercent).map(([p, r]) => ({ payload: `${p.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}&${r}`, type: 'application/x-www-form-urlencoded' })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => ({ payload: s, type: 'application/x-www-form-urlencoded; charset=utf-8' })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ payload: Buffer.concat([Buffer.from('topic='), Buffer.from(b), Buffer.from([0xc3, 0x28])]), type: 'application/x-www-form-urlencoded' })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((j) => ({ payload: JSON.stringify(j), type: 'application/json' })) },
  { weight: 1, arbitrary: fc.constantFrom('{"topic":', '[1,2', '{"__proto__":{"x":1}}', 'null').map((s) => ({ payload: s, type: 'application/json' })) },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'multipart/form-data; boundary=xyz', 'application/xml', 'application/octet-stream', 'x/y; charset=ebcdic').chain((type) => nasty.map((s) => ({ payload: s, type }))) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constant({ payload: `topic=${'x'.repeat(300 * 1024)}`, type: 'application/x-www-form-urlencoded' }) },
);

const path = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PAGES).map((p) => `${FORM}${p}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `/forms/${encode(s)}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PAGES), fc.string({ maxLength: 30 })).map(([p, s]) => `${FORM}${p}/${encode(s)}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/assets/app/../../package.json',
      '/assets/app/..%2f..%2fpackage.json',
      '/assets/uswds/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/assets/app/%2e%2e%2f%2e%2e%2fsrc%2fconfig.ts',
      '/assets/app/....//....//package.json',
      '/assets/app/%c0%ae%c0%ae/package.json',
      '/assets/htmx/../../../../etc/passwd',
      '/assets/app/app.css%00.js',
      '/assets/app/%ZZ',
      '/assets/app/%252e%252e/%252e%252e/package.json',
      '/assets/app/.env',
      '/assets/uswds/..\\..\\package.json',
      `${FORM}/%C3%28`,
      '/forms/%E0%A4%A',
    ),
  },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('..', '%2e%2e', '.', 'assets', 'app', 'uswds', 'forms', 'office-help', '%00', '%ff', 'package.json'), { maxLength: 8 }).map((a) => `/${a.join('/')}`) },
);

const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom('?change=1', '?lang=es', '?lang=xx', '?deleted=1', '?change=1&change=2', '?%zz', '?a=%E0%A4%A', '?lang=%00') },
  { weight: 1, arbitrary: pairs.map((p) => `?${p.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 9000 }).map((n) => `?q=${'a'.repeat(n)}`) },
);

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constant('POST' as const) },
  { weight: 3, arbitrary: fc.constant('GET' as const) },
  { weight: 1, arbitrary: fc.constantFrom('PUT' as const, 'DELETE' as const, 'PATCH' as const, 'OPTIONS' as const, 'HEAD' as const) },
);

const request = fc.record({
  method,
  path,
  query,
  body,
  csrf: fc.constantFrom('good', 'good', 'good', 'none', 'wrong'),
  cookies: fc.constantFrom('draft', 'draft', 'draft', 'none', 'garbage'),
});

/** Everything a request could have stored: draft rows and their last change, and Office requests. */
async function fingerprint(t: TestApp): Promise<string> {
  const r = await sql<{ d: number; u: string | null; o: number }>`select
      (select count(*) from form_drafts) as d,
      (select max(updated_at) from form_drafts) as u,
      (select count(*) from office_requests) as o`.execute(t.ctx.db.kysely);
  return JSON.stringify(r.rows[0]);
}

describe('fuzzing the public form endpoints', () => {
  let t: TestApp;
  let browser: TestBrowser;
  let tick = Date.parse('2026-11-27T12:00:00.000Z');

  beforeAll(async () => {
    // The clock moves on before every request, so any write changes the fingerprint's last-change time.
    t = await createTestApp('sqlite', { now: () => new Date(tick) });
    browser = new TestBrowser(t.app);
    await browser.post(`${FORM}/start`, {});
    await browser.post(`${FORM}/topic`, { topic: 'work' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers the classic bad inputs with a translated 4xx', async () => {
    const spanish = new TestBrowser(t.app);
    await spanish.get('/?lang=es');
    await spanish.withCsrf();
    const cases: Array<{ url: string; method?: 'GET' | 'POST'; payload?: string | Buffer; type?: string; status: number; key?: string }> = [
      { url: `${FORM}?%zz`, status: 400, key: 'error.badEncoding' },
      { url: `${FORM}?a=%E0%A4%A`, status: 400, key: 'error.badEncoding' },
      { url: `${FORM}?a=%07`, status: 400, key: 'error.controlCharacters' },
      { url: `${FORM}?q=${'a'.repeat(5000)}`, status: 400, key: 'error.urlTooLong' },
      { url: `${FORM}/topic`, method: 'POST', payload: Buffer.from([0x74, 0x3d, 0xc3, 0x28]), type: 'application/x-www-form-urlencoded', status: 400, key: 'error.badEncoding' },
      { url: `${FORM}/topic`, method: 'POST', payload: 'topic=%ZZ', type: 'application/x-www-form-urlencoded', status: 400, key: 'error.badEncoding' },
      { url: `${FORM}/topic`, method: 'POST', payload: 'topic=id', type: 'text/plain', status: 415 },
      { url: `${FORM}/topic`, method: 'POST', payload: `topic=${'x'.repeat(20_000)}`, type: 'application/x-www-form-urlencoded', status: 413, key: 'error.fieldTooLong' },
      { url: '/assets/app/..%2f..%2fpackage.json', status: 403 },
    ];
    for (const c of cases) {
      const before = await fingerprint(t);
      const headers: Record<string, string> = { cookie: spanish.cookieHeader(), 'x-csrf-token': spanish.csrf };
      if (c.type) headers['content-type'] = c.type;
      const res = await t.app.inject({ method: c.method ?? 'GET', url: c.url, headers, ...(c.payload !== undefined ? { payload: c.payload } : {}) });
      expect(res.statusCode, c.url.slice(0, 60)).toBe(c.status);
      expect(res.body).toContain('<html lang="es">');
      if (c.key) expect(res.body).toContain(t.ctx.messages.format('es', c.key));
      expect(await fingerprint(t)).toBe(before);
    }
  });

  it(`answers ${RUNS} generated requests without a 5xx, and stores nothing on a 4xx`, async () => {
    let sent = 0;
    const statuses = new Map<number, number>();
    let before = await fingerprint(t);
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        tick += 1000;
        const headers: Record<string, string> = {};
        if (r.body.type) headers['content-type'] = r.body.type;
        if (r.cookies === 'draft') headers.cookie = browser.cookieHeader();
        if (r.cookies === 'garbage') headers.cookie = `__Host-form-office-help=${'A'.repeat(43)}; __Host-csrf=${browser.csrf}; x=%ZZ`;
        if (r.csrf === 'good') headers['x-csrf-token'] = browser.csrf;
        if (r.csrf === 'wrong') headers['x-csrf-token'] = 'not-the-token-at-all-not-the-token';
        const res = await t.app.inject({ method: r.method, url: `${r.path}${r.query}`, headers, ...(r.body.payload !== undefined ? { payload: r.body.payload } : {}) });
        sent++;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode, `${r.method} ${r.path}${r.query.slice(0, 80)} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
        const after = await fingerprint(t);
        if (res.statusCode >= 400) expect(after, `${r.method} ${r.path} stored something with ${res.statusCode}`).toBe(before);
        if (r.path.startsWith('/assets/') && res.statusCode === 200) {
          expect(res.body).not.toContain('"devDependencies"');
          expect(res.body).not.toContain('root:x:0:0');
          expect(res.body).not.toContain('loadConfig');
        }
        before = after;
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261127), endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(RUNS);
    // The run reached the handlers, not just the guards: successes, redirects and validation errors all occur.
    const count = (pred: (s: number) => boolean) => [...statuses].filter(([s]) => pred(s)).reduce((n, [, c]) => n + c, 0);
    expect(count((s) => s === 200)).toBeGreaterThan(100);
    expect(count((s) => s === 303)).toBeGreaterThan(100);
    expect(count((s) => s === 422)).toBeGreaterThan(100);
    expect(count((s) => s === 400 || s === 413 || s === 415)).toBeGreaterThan(100);
  }, 120_000);
});
