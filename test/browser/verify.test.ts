/**
 * The public verify page in a real browser, in the four languages, with axe (WCAG 2.2 AA): paste the QR text,
 * upload a photo of the QR code, both without JavaScript too; and the camera scanner (public/verify.js with
 * jsQR served from our origin) reading a card's QR code from Chromium's fake camera, fed a video of the code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { credentialQrPng } from '../../src/modules/municipal-id/credential/credential.qr.ts';
import { type IssuedCredential, issueCredential, revokeCard } from '../../src/modules/municipal-id/credential/credential.service.ts';
import { CHROMIUM_ARGS, LANGS, checkA11y, checkA11yWithoutJs, chromiumPath, htmlLang, useBrowserHarness } from './harness.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-browser-'));
const pngFile = path.join(dir, 'card-qr.png');
const garbageFile = path.join(dir, 'not-an-image.png');
let valid: IssuedCredential;
let revoked: IssuedCredential;

const h = useBrowserHarness({
  async setup(ctx) {
    valid = await inTransaction(ctx.db, (tx) =>
      issueCredential(ctx, tx, { id: 'browser-card-1', number: 'MPLS-004242-7', name: 'Pa Nyia Vang', dateOfBirth: '1975-08-30', expiresOn: '2030-08-29' }),
    );
    revoked = await inTransaction(ctx.db, (tx) =>
      issueCredential(ctx, tx, { id: 'browser-card-2', number: 'MPLS-004243-5', name: 'Cabdi Nuur', dateOfBirth: '1968-02-14', expiresOn: '2029-02-13' }),
    );
    await inTransaction(ctx.db, (tx) => revokeCard(ctx, tx, 'browser-card-2', 'stolen'));
    fs.writeFileSync(pngFile, await credentialQrPng(valid.jws, { scale: 5 }));
    fs.writeFileSync(garbageFile, 'definitely not a PNG');
  },
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const STATUS_TEXT: Record<string, Record<string, string>> = {
  en: { valid: 'Valid', revoked: 'Revoked' },
  es: { valid: 'Válida', revoked: 'Anulada' },
};

describe('/verify in every language', () => {
  for (const lang of LANGS) {
    it(`"${lang}": paste text and upload a photo; results pass axe`, async () => {
      const page = await h().newPage();
      await page.goto(h().url(`/verify?lang=${lang}`));
      expect(await htmlLang(page)).toBe(lang);
      // With JavaScript, the camera section is offered (the browser has the camera API).
      expect(await page.locator('#verify-camera').isVisible()).toBe(true);
      expect(await page.locator('#verify-camera-start').isVisible()).toBe(true);
      // Until the camera runs: no stop button, no (black) video box.
      expect(await page.locator('#verify-camera-stop').isVisible()).toBe(false);
      expect(await page.locator('#verify-camera-video').isVisible()).toBe(false);
      await checkA11y(page);

      await page.locator('#field-text').fill(valid.qrText);
      await Promise.all([page.waitForURL(/\/verify$/), page.locator('#verify-text-form button[type="submit"]').click()]);
      const panel = page.locator('.sanctuary-verify-result');
      expect(await panel.getAttribute('data-status')).toBe('valid');
      if (STATUS_TEXT[lang]) expect(await panel.locator('.sanctuary-verify-result__status').textContent()).toBe(STATUS_TEXT[lang]?.valid);
      expect(await page.locator('.sanctuary-verify-name').textContent()).toBe('Pa Nyia Vang');
      await checkA11y(page);

      await page.goto(h().url('/verify'));
      await page.locator('#field-text').fill(revoked.qrText);
      await Promise.all([page.waitForURL(/\/verify$/), page.locator('#verify-text-form button[type="submit"]').click()]);
      expect(await page.locator('.sanctuary-verify-result').getAttribute('data-status')).toBe('revoked');
      await checkA11y(page);

      await page.goto(h().url('/verify'));
      await page.locator('#field-image').setInputFiles(pngFile);
      await Promise.all([page.waitForURL(/\/verify\/image$/), page.locator('form[action="/verify/image"] button[type="submit"]').click()]);
      expect(await page.locator('.sanctuary-verify-result').getAttribute('data-status')).toBe('valid');
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);

      // A file that is not an image: the form again, with a translated error, still accessible.
      await page.goto(h().url('/verify'));
      await page.locator('#field-image').setInputFiles(garbageFile);
      const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/verify/image')), page.locator('form[action="/verify/image"] button[type="submit"]').click()]);
      expect(res.status()).toBe(422);
      await page.waitForLoadState();
      expect(await page.locator('#error-summary').count()).toBe(1);
      expect(await page.locator('#field-image-error').isVisible()).toBe(true);
      await checkA11y(page);
    });
  }

  it('without JavaScript: no camera section; paste and upload still work; axe on the pages as served', async () => {
    const page = await h().newPage({ javaScriptEnabled: false });
    await page.goto(h().url('/verify?lang=so'));
    expect(await page.locator('#verify-camera').isVisible()).toBe(false);
    await checkA11yWithoutJs(h(), page);
    await page.locator('#field-text').fill(valid.qrText);
    await Promise.all([page.waitForURL(/\/verify$/), page.locator('#verify-text-form button[type="submit"]').click()]);
    expect(await page.locator('.sanctuary-verify-result').getAttribute('data-status')).toBe('valid');
    await checkA11yWithoutJs(h(), page);
    await page.goto(h().url('/verify'));
    await page.locator('#field-image').setInputFiles(pngFile);
    await Promise.all([page.waitForURL(/\/verify\/image$/), page.locator('form[action="/verify/image"] button[type="submit"]').click()]);
    expect(await page.locator('.sanctuary-verify-result').getAttribute('data-status')).toBe('valid');
    await checkA11yWithoutJs(h(), page);
  });
});

/**
 * A Y4M video (what Chromium's fake camera plays) of the QR code, centred on a grey 640×480 frame: luma from
 * the PNG, neutral chroma.
 */
function qrVideo(png: Buffer, file: string): void {
  const img = PNG.sync.read(png);
  const width = 640;
  const height = 480;
  const y = Buffer.alloc(width * height, 200);
  const ox = Math.floor((width - img.width) / 2);
  const oy = Math.floor((height - img.height) / 2);
  for (let row = 0; row < img.height; row++) {
    for (let col = 0; col < img.width; col++) {
      const i = (row * img.width + col) * 4;
      const lum = Math.round(0.299 * (img.data[i] ?? 0) + 0.587 * (img.data[i + 1] ?? 0) + 0.114 * (img.data[i + 2] ?? 0));
      y[(row + oy) * width + col + ox] = lum;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]));
}

describe('camera scanner (progressive enhancement)', () => {
  it("reads the card's QR code from the camera with the bundled jsQR and shows the result", async () => {
    const video = path.join(dir, 'qr.y4m');
    qrVideo(await credentialQrPng(valid.jws, { scale: 3 }), video);
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    try {
      const context = await browser.newContext({ baseURL: h().baseUrl, locale: 'en-US' });
      await context.grantPermissions(['camera'], { origin: h().baseUrl });
      const page = await context.newPage();
      const scripts: string[] = [];
      page.on('request', (r) => {
        if (r.resourceType() === 'script') scripts.push(new URL(r.url()).origin);
      });
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${h().baseUrl}/verify?lang=en`);
      await page.locator('#verify-camera-start').click();
      await page.waitForURL(/\/verify$/, { timeout: 30_000, waitUntil: 'load' });
      await page.locator('.sanctuary-verify-result').waitFor({ timeout: 30_000 });
      expect(await page.locator('.sanctuary-verify-result').getAttribute('data-status')).toBe('valid');
      expect(await page.locator('.sanctuary-verify-name').textContent()).toBe('Pa Nyia Vang');
      // Every script came from our own origin, and the CSP (script-src 'self') was never violated.
      expect(new Set(scripts)).toEqual(new Set([h().baseUrl]));
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
