import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LOCALES } from '../../src/core/i18n/locales.ts';
import { AppError } from '../../src/core/http/errors.ts';
import { parseInput } from '../../src/core/http/validate.ts';
import type { SanctuaryModule } from '../../src/core/modules/module.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';

/** A module that exists only in this test, with routes that fail in each way. */
const failing: SanctuaryModule = {
  id: 'failing',
  catalogs: { en: {}, es: {}, so: {}, hmn: {} },
  routes(app) {
    app.get('/test/boom', { config: { access: 'public' } }, async () => {
      throw new Error('secret internals at /srv/app/src/thing.ts:42');
    });
    app.post('/test/echo', { config: { access: 'public' } }, async (req) => {
      const input = parseInput(z.strictObject({ _csrf: z.string(), name: z.string().min(1, 'form.error.required').max(20, 'form.error.tooLong') }), req.body);
      return { ok: true, length: input.name.length };
    });
    app.get('/test/conflict', { config: { access: 'public' } }, async () => {
      throw new AppError('conflict');
    });
    app.post('/test/strict', { config: { access: 'public', strictRateLimit: true } }, async () => ({ ok: true }));
  },
};

describe('error responses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { modules: [failing] });
  });
  afterAll(async () => {
    await t.close();
  });

  for (const lang of LOCALES) {
    it(`turns an unexpected error into a translated 500 without internals (${lang})`, async () => {
      const res = await t.app.inject({ method: 'GET', url: `/test/boom?lang=${lang}` });
      expect(res.statusCode).toBe(500);
      expect(res.body).toContain(`<html lang="${lang}"`);
      expect(res.body).not.toContain('secret internals');
      expect(res.body).not.toContain('thing.ts');
      expect(res.body).toContain(res.headers['x-request-id'] as string);
    });
  }

  it('maps AppError codes to their status', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/conflict' });
    expect(res.statusCode).toBe(409);
  });

  it('answers 422 with field errors for invalid input, and 413 for an oversized body', async () => {
    const browser = new TestBrowser(t.app);
    const bad = await browser.post('/test/echo', { name: '' }, { accept: 'application/json' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ error: { code: 'validation', fields: [{ field: 'name', code: 'form.error.required' }] } });
    const unknown = await browser.post('/test/echo', { name: 'x', extra: 'y' }, { accept: 'application/json' });
    expect(unknown.statusCode).toBe(422);
    const ok = await browser.post('/test/echo', { name: 'Xaawo' }, { accept: 'application/json' });
    expect(ok.json()).toEqual({ ok: true, length: 5 });
    const huge = await browser.post('/test/echo', { name: 'x'.repeat(9000), a: 'x'.repeat(9000), b: 'x'.repeat(9000), c: 'y'.repeat(9000) });
    expect(huge.statusCode).toBe(422);
    const tooBig = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: `_csrf=${browser.csrf}&name=${'x'.repeat(300 * 1024)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader() },
    });
    expect(tooBig.statusCode).toBe(413);
  });

  it('answers 415 for a content type it does not read, and 400 for malformed JSON', async () => {
    const browser = new TestBrowser(t.app);
    await browser.withCsrf();
    const xml = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: '<a/>',
      headers: { 'content-type': 'application/xml', cookie: browser.cookieHeader(), 'x-csrf-token': browser.csrf },
    });
    expect(xml.statusCode).toBe(415);
    const json = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: '{"name": ',
      headers: { 'content-type': 'application/json', cookie: browser.cookieHeader(), 'x-csrf-token': browser.csrf },
    });
    expect(json.statusCode).toBe(400);
  });
});

describe('rate limits', () => {
  it('answer 429 with Retry-After, sooner on strict routes', async () => {
    const t = await createTestApp('sqlite', { modules: [failing], env: { RATE_LIMIT: 'true' } });
    try {
      const browser = new TestBrowser(t.app);
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await browser.post('/test/strict', {})).statusCode);
      expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
      const limited = await browser.post('/test/strict', {}, { 'accept-language': 'es' });
      expect(limited.headers['retry-after']).toBeDefined();
      expect(limited.body).toContain('<html lang="es"');
      // Ordinary pages still answer: the strict bucket is separate.
      expect((await browser.get('/')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
