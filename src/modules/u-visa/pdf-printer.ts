/**
 * Prints HTML to PDF with the system Chromium (playwright-core): the Supplement B answers and the decision
 * letters. A browser is the only renderer here that shapes every script a requester's name may be written
 * in (fonts come from the system: Debian `fonts-noto-core`, `fonts-noto-cjk`).
 *
 * One browser is launched on first use and kept for the life of the app (closed with it). Pages run with
 * JavaScript off, offline, and every request but the document itself refused: a printed document can reach
 * nothing. If the browser dies, the next print launches a new one.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { AppError } from '../../core/http/errors.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-extensions', '--no-first-run'];

/** A lazily launched Chromium that turns self-contained HTML into PDF. */
export class UVisaPdfPrinter {
  #starting: Promise<{ browser: Browser; context: BrowserContext }> | undefined;
  #closed = false;

  constructor(private readonly chromiumPath: string) {}

  /** Whether the configured Chromium exists and can be run. */
  available(): boolean {
    try {
      fs.accessSync(this.chromiumPath, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  async #start(): Promise<{ browser: Browser; context: BrowserContext }> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: this.chromiumPath, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true, serviceWorkers: 'block' });
    await context.route(
      (url) => !url.protocol.startsWith('data') && url.href !== 'about:blank',
      (route) => route.abort('blockedbyclient'),
    );
    browser.on('disconnected', () => {
      this.#starting = undefined;
    });
    return { browser, context };
  }

  /**
   * Prints a complete HTML document on A4/Letter-independent pages sized by its CSS `@page` rule.
   * @throws AppError `unavailable` (with a translated message) when Chromium is not installed
   */
  async print(html: string): Promise<Buffer> {
    if (this.#closed) throw new Error('the PDF printer is closed');
    if (!this.available()) throw new AppError('unavailable', { messageKey: 'u-visa.error.noChromium' });
    this.#starting ??= this.#start().catch((err: unknown) => {
      this.#starting = undefined;
      throw err;
    });
    const { context } = await this.#starting;
    const page = await context.newPage();
    try {
      await page.setContent(html, { waitUntil: 'load', timeout: 15_000 });
      return Buffer.from(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    } finally {
      await page.close().catch(() => undefined);
    }
  }

  /** Closes the browser (when the app closes). */
  async close(): Promise<void> {
    this.#closed = true;
    const starting = this.#starting;
    this.#starting = undefined;
    if (!starting) return;
    try {
      await (await starting).browser.close();
    } catch {
      // It never started, or is already gone.
    }
  }
}

const printers = new WeakMap<object, UVisaPdfPrinter>();

/** The printer of one app (keyed by its context), created on first use. */
export function pdfPrinterFor(owner: object, chromiumPath: string): UVisaPdfPrinter {
  let printer = printers.get(owner);
  if (!printer) {
    printer = new UVisaPdfPrinter(chromiumPath);
    printers.set(owner, printer);
  }
  return printer;
}

/** Closes and forgets the printer of `owner`, if one was made. */
export async function closePdfPrinter(owner: object): Promise<void> {
  const printer = printers.get(owner);
  printers.delete(owner);
  await printer?.close();
}
