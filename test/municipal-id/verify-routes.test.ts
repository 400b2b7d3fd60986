/**
 * The public verify page and API on both databases: paste and upload paths, garbage and oversized images,
 * bad API bodies (translated 4xx, never a 5xx), CSRF on the page, the OpenAPI description, the scanner's
 * decoder served from our origin, and a fast-check fuzz of `POST /api/v1/verify` (≥ 10,000 cases).
 */
import fc from 'fast-check';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { credentialQrPng } from '../../src/modules/municipal-id/credential/credential.qr.ts';
import { REASONS } from '../../src/modules/municipal-id/credential/credential.reasons.ts';
import { type IssuedCredential, issueCredential } from '../../src/modules/municipal-id/credential/credential.service.ts';
import { verificationCounts } from '../../src/modules/municipal-id/credential/credential.repo.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';

const clock = new Date('2026-04-10T16:00:00Z');

function multipart(fields: Record<string, string>, file?: { name: string; filename: string; type: string; data: Buffer }): { body: Buffer; type: string } {
  const boundary = '----sanctuary-test-boundary-7MA4YWxkTrZu0gW';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

describeEachDialect('municipal ID verify page and API', (dialect) => {
  let t: TestApp;
  let issued: IssuedCredential;
  beforeAll(async () => {
    t = await createTestApp(dialect, { now: () => clock, env: { BASE_URL: 'https://id.city.example' } });
    issued = await inTransaction(t.ctx.db, (tx) =>
      issueCredential(t.ctx, tx, { id: 'card-verify-1', number: 'MPLS-000123-4', name: 'Maiv Xyooj', dateOfBirth: '1984-11-02', expiresOn: '2030-04-09' }),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  async function upload(b: TestBrowser, data: Buffer, type = 'image/png', extra: Record<string, string> = {}) {
    if (!b.csrf) await b.get('/verify');
    const { body, type: contentType } = multipart({ _csrf: b.csrf, ...extra }, { name: 'image', filename: 'card.png', type, data });
    return t.app.inject({ method: 'POST', url: '/verify/image', payload: body, headers: { 'content-type': contentType, cookie: b.cookieHeader() } });
  }

  it('GET /verify shows the three ways in every language, with the camera section hidden until JavaScript', async () => {
    for (const lang of ['en', 'es', 'so', 'hmn']) {
      const res = await t.app.inject({ method: 'GET', url: `/verify?lang=${lang}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`<html lang="${lang}"`);
      expect(res.body).toMatch(/<section id="verify-camera"[^>]*hidden/);
      expect(res.body).toContain('action="/verify/image"');
      expect(res.body).toContain('enctype="multipart/form-data"');
      expect(res.body).toContain('<script src="/assets/app/verify.js" defer');
    }
    expect(String((await t.app.inject({ method: 'GET', url: '/verify' })).headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('pasted text: the result shows the status and only the four facts; a pasted line break is tolerated', async () => {
    const b = new TestBrowser(t.app);
    await b.get('/verify?lang=es');
    const res = await b.post('/verify', { text: `${issued.qrText}\r\n` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-status="valid"');
    expect(res.body).toContain('Válida');
    expect(res.body).toContain('Maiv Xyooj');
    expect(res.body).toContain('MPLS-000123-4');
    // The rid, the key id and the raw credential are never shown.
    expect(res.body).not.toContain(issued.rid);
    expect(res.body).not.toContain(issued.kid);
    const empty = await b.post('/verify', { text: '  ' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Pegue el texto del código QR.');
    const bad = await b.post('/verify', { text: 'shc:/1234567' });
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toContain('data-status="invalid"');
    expect(bad.body).toContain('data-reason="qr_odd_length"');
    const tooLong = await b.post('/verify', { text: 'x'.repeat(9000) });
    expect(tooLong.statusCode).toBe(422);
  });

  it('the page POST needs the CSRF token; the API without cookies does not, with cookies it does', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/verify', payload: `text=${encodeURIComponent(issued.qrText)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(403);
    const api = await t.app.inject({ method: 'POST', url: '/api/v1/verify', payload: JSON.stringify({ qr: issued.qrText }), headers: { 'content-type': 'application/json' } });
    expect(api.statusCode).toBe(200);
    const withCookie = await t.app.inject({ method: 'POST', url: '/api/v1/verify', payload: JSON.stringify({ qr: issued.qrText }), headers: { 'content-type': 'application/json', cookie: '__Host-csrf=abcdefabcdefabcdefabcdefabcdefabcdef' } });
    expect(withCookie.statusCode).toBe(403);
    const b = new TestBrowser(t.app);
    expect((await b.postJson('/api/v1/verify', { qr: issued.qrText })).statusCode).toBe(200);
  });

  it('uploaded PNG and JPEG photos of the QR code are decoded on the server and verified', async () => {
    const b = new TestBrowser(t.app);
    const png = await credentialQrPng(issued.jws, { scale: 5 });
    const res = await upload(b, png);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-status="valid"');
    expect(res.body).toContain('Maiv Xyooj');
    // The same code as a JPEG "photo".
    const img = PNG.sync.read(png);
    const jpg = jpeg.encode({ data: img.data, width: img.width, height: img.height }, 90).data;
    const res2 = await upload(b, Buffer.from(jpg), 'image/jpeg');
    expect(res2.body).toContain('data-status="valid"');
  });

  it('garbage, blank, oversized and huge-dimension images get a translated 4xx, never a 500', async () => {
    const b = new TestBrowser(t.app);
    await b.get('/verify?lang=es');
    const garbage = await upload(b, Buffer.from('this is not an image at all'));
    expect(garbage.statusCode).toBe(422);
    expect(garbage.body).toContain('no es una imagen PNG o JPEG');
    const blank = new PNG({ width: 200, height: 200 });
    blank.data.fill(255);
    const noQr = await upload(b, PNG.sync.write(blank));
    expect(noQr.statusCode).toBe(422);
    expect(noQr.body).toContain('No se pudo leer ningún código QR');
    // A PNG header claiming 50,000 × 50,000 pixels: refused from the header, before decoding.
    const header = Buffer.alloc(33);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
    header.writeUInt32BE(13, 8);
    header.write('IHDR', 12, 'latin1');
    header.writeUInt32BE(50_000, 16);
    header.writeUInt32BE(50_000, 20);
    const huge = await upload(b, header);
    expect(huge.statusCode).toBe(413);
    expect(huge.body).toContain('La imagen es demasiado grande');
    // A truncated PNG.
    const truncated = await upload(b, (await credentialQrPng(issued.jws)).subarray(0, 200));
    expect(truncated.statusCode).toBe(422);
    // A body over the limit.
    const big = await upload(b, Buffer.alloc(3 * 1024 * 1024, 1));
    expect(big.statusCode).toBe(413);
    // No file chosen.
    const none = multipart({ _csrf: b.csrf });
    const missing = await t.app.inject({ method: 'POST', url: '/verify/image', payload: none.body, headers: { 'content-type': none.type, cookie: b.cookieHeader() } });
    expect(missing.statusCode).toBe(422);
    // A malformed multipart body.
    const broken = await t.app.inject({ method: 'POST', url: '/verify/image', payload: 'garbage', headers: { 'content-type': 'multipart/form-data; boundary=xyz', cookie: b.cookieHeader() } });
    expect(broken.statusCode).toBe(400);
    const noBoundary = await t.app.inject({ method: 'POST', url: '/verify/image', payload: 'garbage', headers: { 'content-type': 'multipart/form-data', cookie: b.cookieHeader() } });
    expect(noBoundary.statusCode).toBe(400);
  });

  it('API: bad bodies are translated 4xx; answers carry a stable reason code and its translation', async () => {
    const post = (payload: string, lang = 'en') =>
      t.app.inject({ method: 'POST', url: `/api/v1/verify?lang=${lang}`, payload, headers: { 'content-type': 'application/json' } });
    for (const body of ['{}', '{"qr":"a","jws":"b"}', '{"qr":5}', '{"qr":""}', '[]', '"shc:/00"', `{"qr":"${'1'.repeat(9000)}"}`, '{"qr":"x","extra":1}']) {
      const res = await post(body);
      expect(res.statusCode, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, body.slice(0, 40)).toBeLessThan(500);
    }
    expect((await post('{not json')).statusCode).toBe(400);
    const so = await post(JSON.stringify({ qr: 'shc:/12345' }), 'es');
    const answer = so.json<{ status: string; reason: string; message: string }>();
    expect(answer).toMatchObject({ status: 'invalid', reason: 'qr_odd_length' });
    expect(answer.message).toContain('incompletos');
  });

  it('verifications are counted per day, channel and outcome only', async () => {
    const b = new TestBrowser(t.app);
    await b.get('/verify');
    await b.post('/verify', { text: issued.qrText });
    await t.app.inject({ method: 'POST', url: '/api/v1/verify', payload: JSON.stringify({ jws: 'eyJ.x.y' }), headers: { 'content-type': 'application/json' } });
    // Counts are flushed when the server closes or after a few seconds; force it through a fresh app below.
    const { VerificationCounter } = await import('../../src/modules/municipal-id/verify/verify.counter.ts');
    const counter = new VerificationCounter(t.ctx.db, () => clock);
    counter.count('api', 'valid');
    counter.count('api', 'valid');
    counter.count('web', 'revoked');
    await counter.close();
    const rows = await verificationCounts(t.ctx.db.kysely);
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ day: '2026-04-10', channel: 'api', status: 'valid' })]));
    expect(rows.find((r) => r.channel === 'api' && r.status === 'valid')?.count).toBeGreaterThanOrEqual(2);
    for (const r of rows) expect(Object.keys(r).sort()).toEqual(['channel', 'count', 'day', 'status']);
  });

  it('publishes the API in OpenAPI, and serves the jsQR decoder from our own origin', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown[] }>> }>();
    const op = doc.paths['/api/v1/verify']?.post;
    expect(op?.requestBody).toBeDefined();
    expect(op?.security).toEqual([]);
    const js = await t.app.inject({ method: 'GET', url: '/assets/vendor/jsqr.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.body).toContain('jsQR');
    const app = await t.app.inject({ method: 'GET', url: '/assets/app/verify.js' });
    expect(app.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/.well-known/crl/not-a-kid.json' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/.well-known/crl/${'A'.repeat(43)}.json` })).statusCode).toBe(404);
  });

  it('fuzz: 10,000 arbitrary bodies to POST /api/v1/verify never produce a 5xx', async () => {
    const valid = issued.qrText;
    const mutatedQr = fc
      .tuple(fc.nat({ max: valid.length - 1 }), fc.string({ minLength: 0, maxLength: 3 }), fc.nat({ max: 3 }))
      .map(([at, ins, del]) => valid.slice(0, at) + ins + valid.slice(at + del));
    const mutatedJws = fc
      .tuple(fc.nat({ max: issued.jws.length - 1 }), fc.constantFrom('', 'A', '.', '-', '_', '=', ' ', '\u0000', 'é'))
      .map(([at, ch]) => issued.jws.slice(0, at) + ch + issued.jws.slice(at + 1));
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '6', '7', '8', '9'), maxLength: 3000 }).map((d) => `shc:/${d}`);
    const body = fc.oneof(
      fc.record({ qr: fc.oneof(mutatedQr, digits, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 50 })) }),
      fc.record({ jws: fc.oneof(mutatedJws, fc.string({ maxLength: 300 }), fc.base64String({ maxLength: 400 })) }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const payload = fc.oneof(
      { weight: 9, arbitrary: body.map((b) => JSON.stringify(b) ?? 'null') },
      { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
    );
    let ok = 0;
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/verify', payload: p, headers: { 'content-type': 'application/json' } });
        if (res.statusCode >= 500) return false;
        if (res.statusCode === 200) {
          const json = res.json<{ status: string; reason: string }>();
          ok += 1;
          return (REASONS as readonly string[]).includes(json.reason);
        }
        return res.statusCode >= 400 && res.statusCode < 500;
      }),
      { numRuns: 10_000 },
    );
    expect(ok).toBeGreaterThan(1000);
  }, 240_000);
});

describe('every reason has a message in every language', () => {
  it('credential catalogs', async () => {
    const { municipalIdModule } = await import('../../src/modules/municipal-id/index.ts');
    for (const locale of ['en', 'es', 'so', 'hmn'] as const) {
      for (const r of REASONS) expect(municipalIdModule.catalogs[locale][`municipalId.credential.reason.${r}`], `${locale} ${r}`).toBeTruthy();
      for (const s of ['valid', 'expired', 'revoked', 'invalid']) expect(municipalIdModule.catalogs[locale][`municipalId.credential.status.${s}`]).toBeTruthy();
    }
  });
});

describe('rate limit of the photo upload', () => {
  it('30 uploads a minute per address, then a translated 429', async () => {
    const t = await createTestApp('sqlite', { env: { RATE_LIMIT: 'true' } });
    try {
      const b = new TestBrowser(t.app);
      await b.get('/verify');
      const codes: number[] = [];
      for (let i = 0; i < 31; i++) {
        const { body, type } = multipart({ _csrf: b.csrf }, { name: 'image', filename: 'x.png', type: 'image/png', data: Buffer.from('not an image') });
        const res = await t.app.inject({ method: 'POST', url: '/verify/image', payload: body, headers: { 'content-type': type, cookie: b.cookieHeader() } });
        codes.push(res.statusCode);
      }
      expect(codes.slice(0, 30).every((c) => c === 422)).toBe(true);
      expect(codes[30]).toBe(429);
      // Pasting and the API keep the general limit.
      expect((await b.post('/verify', { text: 'shc:/00' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
