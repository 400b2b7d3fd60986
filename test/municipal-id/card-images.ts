/**
 * Looking at a printed card as a person (or a phone camera) would: the card's print document rendered by
 * Chromium to PNG at a camera-like resolution, and — when poppler's `pdftoppm` is installed — the PDF itself
 * rasterized. The QR code is then read back with the credential part's decoder.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from '../browser/harness.ts';

/** The back of a card's print document as a PNG (device scale 4: about 380 dpi on the card). */
export async function cardBackPng(html: string): Promise<Buffer> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 4, javaScriptEnabled: false });
    await page.setContent(html, { waitUntil: 'load' });
    return await page.locator('section.back').screenshot({ type: 'png' });
  } finally {
    await browser.close();
  }
}

/** Whether poppler's `pdftoppm` is installed. */
export function hasPdftoppm(): boolean {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One page of a PDF as a PNG at `dpi`, by `pdftoppm`. */
export function pdfPagePng(pdf: Buffer, page: number, dpi = 300): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-pdf-png-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.pdf'), pdf);
    execFileSync('pdftoppm', ['-f', String(page), '-l', String(page), '-r', String(dpi), '-png', '-singlefile', path.join(dir, 'in.pdf'), path.join(dir, 'out')]);
    return fs.readFileSync(path.join(dir, 'out.png'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
