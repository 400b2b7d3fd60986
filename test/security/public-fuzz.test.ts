/**
 * Fuzzing every public endpoint (issue 3, security tests): for each route the app declares `public` — found in
 * the route inventory, so a route a module adds later is fuzzed too — ≥ 10,000 generated requests (set
 * `PUBLIC_FUZZ_RUNS` lower for a quick local run): path parameters that are real form and step ids, ids, or
 * garbage; query strings and bodies of the form's own field names or random ones, with huge, control-character,
 * mixed-script and invalid-encoding values; urlencoded, JSON, multipart, text or no content type; with and
 * without the CSRF cookie and token, and with and without a partner's bearer header. No response may be a 5xx.
 * (`forms-fuzz.test.ts` goes deeper on one form: it also proves that a 4xx stores nothing.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeInventory } from '../../src/core/auth/session-hook.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';

const RUNS = Number(process.env.PUBLIC_FUZZ_RUNS ?? 10_000);

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'null', 'true', '[]', '{}', '../../etc/passwd', '%00', '%ZZ', '\u0000', '\u202e', 'A123456789', '2026-02-30', '9999-12-31', 'Xaawo Cali · 王小明 · محمد'),
  fc.constantFrom('x'.repeat(10_001), '9'.repeat(400)),
);

function urlencode(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

describe('fuzzing every public endpoint', () => {
  let t: TestApp;
  let browser: TestBrowser;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    browser = await new TestBrowser(t.app).withCsrf();
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`answers ${RUNS} generated requests per public route without a 5xx`, async () => {
    const forms = t.ctx.forms.list().map(({ form }) => form);
    const formIds = forms.map((f) => f.id);
    const stepIds = [...new Set(forms.flatMap((f) => f.steps.map((s) => s.id)))];
    const fieldNames = [...new Set(forms.flatMap((f) => f.steps.flatMap((s) => s.fields.map((field) => field.name))))];
    const routes = routeInventory(t.app).filter((r) => r.access === 'public' && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(30);

    const paramValue = (name: string) =>
      name === 'formId'
        ? fc.oneof(fc.constantFrom(...formIds), nasty)
        : name === 'step' || name === 'stepId'
          ? fc.oneof(fc.constantFrom(...stepIds), nasty)
          : fc.oneof(fc.constantFrom('01J00000000000000000000000', 'ABCD-EFGH-JK', 'A'.repeat(43), 'sqlite', 'en'), nasty);
    const pairs = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...fieldNames, '_action', 'lang', 'code', 'qr', 'jws'), fc.string({ maxLength: 12 })), nasty), { maxLength: 8 });
    const body = fc.oneof(
      pairs.map((p) => ({ type: 'application/x-www-form-urlencoded', payload: urlencode(p) })),
      pairs.map((p) => ({ type: 'application/json', payload: JSON.stringify(Object.fromEntries(p)) })),
      fc.constantFrom(
        { type: 'application/json', payload: '{"a":' },
        { type: 'application/json', payload: '[1,2,3]' },
        { type: 'application/x-www-form-urlencoded', payload: 'a=%E0%A4%A&b=\u0007' },
        { type: 'multipart/form-data; boundary=x', payload: '--x\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nnot an image\r\n--x--\r\n' },
        { type: 'text/plain', payload: 'hello' },
        { type: '', payload: '' },
      ),
    );

    let sent = 0;
    const statuses = new Map<number, number>();
    for (const route of routes) {
      const names = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
      const request = fc.record({
        params: fc.tuple(...names.map((n) => paramValue(n))),
        wildcard: fc.oneof(fc.constantFrom('uswds.min.js', 'css/uswds.min.css', '../package.json', '..%2f..%2fpackage.json'), fc.string({ maxLength: 20 })),
        query: pairs,
        body,
        csrf: fc.constantFrom('good', 'good', 'none'),
        bearer: fc.constantFrom(false, false, false, true),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          let i = 0;
          let url = route.url.replace(/:([A-Za-z]+)/g, () => encodeURIComponent(String(r.params[i++] ?? '')));
          url = url.replace('*', r.wildcard.split('/').map(encodeURIComponent).join('/'));
          const query = urlencode(r.query);
          if (query) url += `?${query}`;
          const headers: Record<string, string> = {};
          if (r.csrf === 'good') {
            headers.cookie = browser.cookieHeader();
            headers['x-csrf-token'] = browser.csrf;
          }
          if (r.bearer) headers.authorization = 'Bearer sanctuary_fuzz_not_a_token';
          const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
          if (hasBody && r.body.type) headers['content-type'] = r.body.type;
          const res = await t.app.inject({ method: route.method as 'POST', url, headers, ...(hasBody ? { payload: r.body.payload } : {}) });
          sent += 1;
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          expect(res.statusCode, `${route.method} ${url} (${r.body.type}) answered ${res.statusCode}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        }),
        { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261127), endOnFailure: true },
      );
    }
    expect(sent).toBe(RUNS * routes.length);
    // The requests reached the handlers, not only the guards.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS);
    expect((statuses.get(422) ?? 0) + (statuses.get(400) ?? 0)).toBeGreaterThan(RUNS);
  }, 3_600_000);
});
