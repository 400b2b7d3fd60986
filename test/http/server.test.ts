import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/core/i18n/locales.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { pathWithoutLang } from '../../src/core/http/server.tsx';

describe('pathWithoutLang', () => {
  it('drops every lang parameter and keeps the rest of the query as sent', () => {
    expect(pathWithoutLang('/')).toBe('/');
    expect(pathWithoutLang('/?lang=es')).toBe('/');
    expect(pathWithoutLang('/forms/x?lang=so&step=2')).toBe('/forms/x?step=2');
    expect(pathWithoutLang('/forms/x?step=2&lang=hmn&q=a%20b')).toBe('/forms/x?step=2&q=a%20b');
    expect(pathWithoutLang('/x?lang=es&lang=so')).toBe('/x');
    expect(pathWithoutLang('/x?language=es&lang=')).toBe('/x?language=es');
    expect(pathWithoutLang('/x?a=1&&lang=es&')).toBe('/x?a=1');
    expect(pathWithoutLang('/x?slang=yes')).toBe('/x?slang=yes');
  });
});

describeEachDialect('HTTP foundation', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /healthz and /readyz with JSON', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', database: 'ok' });
  });

  it('sets strict security headers on every page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:\/\//);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9A-Z]{26}$/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    // Headers only obsolete browsers read are not sent (each costs every response).
    for (const legacy of ['x-xss-protection', 'x-download-options', 'x-permitted-cross-domain-policies']) expect(res.headers[legacy]).toBeUndefined();
  });

  for (const lang of LOCALES) {
    it(`renders the home page in ${lang}, sets <html lang> and remembers the choice`, async () => {
      const browser = new TestBrowser(t.app);
      const first = await browser.get(`/?lang=${lang}`);
      expect(first.statusCode).toBe(200);
      expect(first.body).toContain(`<html lang="${lang}"`);
      expect(browser.cookie('__Host-lang')).toBe(lang);
      const cookie = ([] as string[]).concat(first.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-lang='));
      expect(cookie).toMatch(/Secure/);
      expect(cookie).toMatch(/Path=\//);
      const second = await browser.get('/privacy');
      expect(second.body).toContain(`<html lang="${lang}"`);
    });
  }

  it('serves the anonymous home page from memory per language and path, without a CSRF cookie', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/?lang=so' });
    const b = await t.app.inject({ method: 'GET', url: '/?lang=so' });
    expect(b.body).toBe(a.body);
    expect(b.headers['content-security-policy']).toBe(a.headers['content-security-policy']);
    expect(b.headers['cache-control']).toBe('no-store');
    expect(b.headers['x-request-id']).not.toBe(a.headers['x-request-id']);
    // A page without a form sets no CSRF cookie; only the language the visitor chose.
    const cookies = ([] as string[]).concat(a.headers['set-cookie'] ?? []);
    expect(cookies.some((c) => c.startsWith('__Host-csrf='))).toBe(false);
    expect(cookies.some((c) => c.startsWith('__Host-lang=so'))).toBe(true);
    // Other languages and other query strings are other entries: the language links keep the query.
    const hmong = await t.app.inject({ method: 'GET', url: '/?lang=hmn' });
    expect(hmong.body).toContain('<html lang="hmn"');
    const withQuery = await t.app.inject({ method: 'GET', url: '/?lang=so&from=flyer' });
    expect(withQuery.body).toContain('from=flyer');
    expect(a.body).not.toContain('from=flyer');
  });

  it('never serves a cached page to staff, and never caches a page with a form', async () => {
    const { signInAs } = await import('../helpers/staff.ts');
    const staff = await signInAs(t, ['admin']);
    await t.app.inject({ method: 'GET', url: '/?lang=en' });
    const signedIn = await staff.get('/?lang=en');
    expect(signedIn.body).toContain('/staff/logout');
    const anonymous = await t.app.inject({ method: 'GET', url: '/?lang=en' });
    expect(anonymous.body).not.toContain('/staff/logout');
    // The sign-in page has a form: every visitor gets their own CSRF token in it.
    const one = new TestBrowser(t.app);
    const two = new TestBrowser(t.app);
    await one.get('/staff/login');
    await two.get('/staff/login');
    expect(one.csrf).not.toBe('');
    expect(two.csrf).not.toBe(one.csrf);
  });

  it('sends the cached page compressed to browsers that accept it, and never a page with a CSRF token', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/privacy?lang=es' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    // Compression runs in the background after the first visit: wait until both forms are there.
    let br = plain;
    let gz = plain;
    for (let i = 0; i < 100 && (br.headers['content-encoding'] !== 'br' || gz.headers['content-encoding'] !== 'gzip'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      br = await t.app.inject({ method: 'GET', url: '/privacy?lang=es', headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
      gz = await t.app.inject({ method: 'GET', url: '/privacy?lang=es', headers: { 'accept-encoding': 'gzip;q=0.8, deflate' } });
    }
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.brotliDecompressSync(br.rawPayload).toString('utf8')).toBe(plain.body);
    expect(zlib.gunzipSync(gz.rawPayload).toString('utf8')).toBe(plain.body);
    expect(Number(br.headers['content-length'])).toBe(br.rawPayload.length);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    // The security headers go with every form of the page.
    expect(br.headers['content-security-policy']).toBe(plain.headers['content-security-policy']);
    // Refused codings and unknown ones get the bytes as they are.
    for (const header of ['br;q=0, gzip;q=0', 'identity', 'zstd', 'br;q=0,*;q=0']) {
      const res = await t.app.inject({ method: 'GET', url: '/privacy?lang=es', headers: { 'accept-encoding': header } });
      expect(res.headers['content-encoding'], header).toBeUndefined();
      expect(res.body).toBe(plain.body);
    }
    const star = await t.app.inject({ method: 'GET', url: '/privacy?lang=es', headers: { 'accept-encoding': 'br;q=0, *' } });
    expect(star.headers['content-encoding']).toBe('gzip');
    // A page with a form carries a CSRF token: never compressed (BREACH).
    const login = await t.app.inject({ method: 'GET', url: '/staff/login', headers: { 'accept-encoding': 'br, gzip' } });
    expect(login.statusCode).toBe(200);
    expect(login.headers['content-encoding']).toBeUndefined();
    expect(login.body).toContain('_csrf');
  });

  it('negotiates the language from Accept-Language', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/', headers: { 'accept-language': 'es-MX,es;q=0.9' } });
    expect(res.body).toContain('<html lang="es"');
  });

  it('renders a translated 404 page without internals', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no/such/page?lang=so' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('<html lang="so"');
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers JSON errors under /api/', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses state-changing requests without a CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/',
      payload: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([403, 404]).toContain(res.statusCode);
    const cross = await t.app.inject({
      method: 'POST',
      url: '/',
      payload: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
    });
    expect([403, 404]).toContain(cross.statusCode);
  });

  it('serves USWDS from our own origin and refuses path traversal', async () => {
    const css = await t.app.inject({ method: 'GET', url: '/assets/uswds/css/uswds.min.css' });
    expect(css.statusCode).toBe(200);
    const traversal = await t.app.inject({ method: 'GET', url: '/assets/uswds/../../../../etc/passwd' });
    expect(traversal.statusCode).toBeGreaterThanOrEqual(400);
    expect(traversal.statusCode).toBeLessThan(500);
    expect(traversal.body).not.toContain('root:');
    const encoded = await t.app.inject({ method: 'GET', url: '/assets/app/%2e%2e%2f%2e%2e%2fpackage.json' });
    expect(encoded.statusCode).toBeGreaterThanOrEqual(400);
    expect(encoded.statusCode).toBeLessThan(500);
  });

  it('sends text assets compressed to browsers that accept it, with an ETag per coding', async () => {
    const url = '/assets/uswds/css/uswds.min.css';
    const plain = await t.app.inject({ method: 'GET', url });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const file = fs.readFileSync(fileURLToPath(import.meta.resolve('@uswds/uswds/css/uswds.min.css')));
    expect(plain.rawPayload.equals(file)).toBe(true);
    let br = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    for (let i = 0; i < 300 && br.headers['content-encoding'] !== 'br'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      br = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    }
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(br.headers.vary).toBe('accept-encoding');
    expect(br.headers['cache-control']).toBe('public, max-age=86400');
    expect(br.headers['content-security-policy']).toBe(plain.headers['content-security-policy']);
    expect(zlib.brotliDecompressSync(br.rawPayload).equals(file)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(file.length / 5);
    const gz = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).equals(file)).toBe(true);
    expect(gz.headers.etag).not.toBe(br.headers.etag);
    const again = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    // Not text, hidden or outside the root: left to the static handler, which refuses what it must.
    const font = await t.app.inject({ method: 'GET', url: '/assets/uswds/img/us_flag_small.png', headers: { 'accept-encoding': 'br' } });
    expect(font.statusCode).toBe(200);
    expect(font.headers['content-encoding']).toBeUndefined();
    for (const bad of ['/assets/uswds/../../../../etc/passwd', '/assets/app/%2e%2e%2f%2e%2e%2fpackage.json', '/assets/app/..%2f..%2fpackage.json', '/assets/app/%E0%A4%A.css', '/assets/app/.hidden.css']) {
      const res = await t.app.inject({ method: 'GET', url: bad, headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.statusCode, bad).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, bad).toBeLessThan(500);
      expect(res.body).not.toContain('"name": "sanctuary"');
    }
  });

  it('rejects a very long URL with a translated 4xx', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/?q=${'x'.repeat(5000)}` });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
  });
});

describe('HTTPS deployments', () => {
  it('send HSTS', async () => {
    const t = await createTestApp('sqlite', { env: { BASE_URL: 'https://sanctuary.example.gov' } });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/' });
      expect(String(res.headers['strict-transport-security'])).toContain('max-age=');
    } finally {
      await t.close();
    }
  });
});

describe('OpenAPI', () => {
  it('describes the JSON API at /api/openapi.json', async () => {
    const t = await createTestApp('sqlite');
    try {
      const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json<{ openapi: string; paths: Record<string, Record<string, { 'x-access': string }>> }>();
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.paths['/api/openapi.json']?.get?.['x-access']).toBe('public');
      for (const path of Object.keys(doc.paths)) expect(path.startsWith('/api/')).toBe(true);
    } finally {
      await t.close();
    }
  });
});
