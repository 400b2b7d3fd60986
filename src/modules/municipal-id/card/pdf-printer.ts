/**
 * Prints HTML to PDF with the system Chromium (playwright-core), for ID cards and decision letters.
 *
 * Why Chromium and not a PDF library: names must print in every script people have — Somali and Hmong
 * (Latin with tone letters), Vietnamese (stacked diacritics), Amharic (Ethiopic), Arabic (right-to-left,
 * joined letter forms), Chinese. That needs a text shaper (HarfBuzz), bidi and font fallback, which a
 * browser has and PDF libraries do not. Fonts come from the system (Debian `fonts-noto-core`,
 * `fonts-noto-cjk`); nothing is fetched.
 *
 * One browser is launched on first use and kept warm; a small pool of pages is reused (a new page costs
 * ~20 ms, a launch ~300 ms). Pages run with JavaScript off and every network request refused: the HTML
 * carries its images as `data:` URLs, so a printed document can reach nothing, and nothing reaches it.
 * If the browser dies it is launched again on the next print.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Chromium is not installed where the configuration says. */
export class ChromiumMissingError extends Error {
  constructor(readonly path: string) {
    super(`Chromium not found at ${path}: install it (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable`);
    this.name = 'ChromiumMissingError';
  }
}

/** The options of a {@link PdfPrinter}. */
export interface PdfPrinterOptions {
  chromiumPath: string;
  /** Pages kept open and reused (default 4); prints beyond this wait for a free page. */
  pages?: number;
}

/** The size of a printed document's pages. */
export interface PrintOptions {
  /** Page size in millimetres (the page size wins over any CSS `@page` rule). */
  widthMm: number;
  heightMm: number;
}

/** Millimetres to PDF points (1 pt = 1/72 in). */
export function mmToPt(mm: number): number {
  return (mm / 25.4) * 72;
}

function pt(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/**
 * Sets every page's box to exactly `widthPt` × `heightPt`, anchored at the top-left corner.
 *
 * Chromium rounds a PDF's page size to its own device units (85.60 × 53.98 mm comes out as 85.68 × 54.36 mm,
 * 242.88 × 154.08 pt), so a card printer would get a page a third of a millimetre too tall. Content is laid out
 * from the top-left, so the extra strip is empty and at the bottom/right: this rewrites each
 * `/MediaBox [0 0 W H]` as `[0 H−h w H]`. The new box is written in place, padded with spaces to the old
 * length, so the cross-reference offsets stay valid. Boxes already smaller than the target are left alone.
 */
export function cropPageBoxes(pdf: Buffer, widthPt: number, heightPt: number): Buffer {
  const text = pdf.toString('latin1');
  const out = Buffer.from(pdf);
  const box = /\/MediaBox\s*\[(\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*)\]/g;
  for (let m = box.exec(text); m; m = box.exec(text)) {
    const inner = m[1] as string;
    const w = Number(m[2]);
    const h = Number(m[3]);
    if (w < widthPt - 0.01 || h < heightPt - 0.01 || w - widthPt > 6 || h - heightPt > 6) continue;
    const replacement = `0 ${pt(h - heightPt)} ${pt(widthPt)} ${pt(h)}`;
    if (replacement.length > inner.length) continue;
    const start = m.index + m[0].indexOf('[') + 1;
    out.write(replacement.padEnd(inner.length, ' '), start, 'latin1');
  }
  return out;
}

/** Chromium flags: headless, no sandbox (containers), no GPU, no calls home, no extensions. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-extensions', '--no-first-run'];

/** A warm Chromium with a pool of pages that turns HTML into PDF. */
export class PdfPrinter {
  readonly #chromiumPath: string;
  readonly #size: number;
  #starting: Promise<{ browser: Browser; context: BrowserContext }> | undefined;
  readonly #idle: Page[] = [];
  readonly #waiting: Array<{ resolve: (page: Page) => void; reject: (err: unknown) => void }> = [];
  #open = 0;
  #closed = false;

  constructor(options: PdfPrinterOptions) {
    this.#chromiumPath = options.chromiumPath;
    this.#size = Math.max(1, Math.min(16, options.pages ?? 4));
  }

  /** Whether the configured Chromium exists and is executable. */
  available(): boolean {
    try {
      fs.accessSync(this.#chromiumPath, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  async #start(): Promise<{ browser: Browser; context: BrowserContext }> {
    if (!this.available()) throw new ChromiumMissingError(this.#chromiumPath);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: this.#chromiumPath, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true, locale: 'en-US', serviceWorkers: 'block' });
    // Only the document itself and its data: URLs load; anything else (a stray URL in a name) is refused.
    await context.route(
      (url) => !url.protocol.startsWith('data') && url.href !== 'about:blank',
      (route) => route.abort('blockedbyclient'),
    );
    browser.on('disconnected', () => {
      // The pool's pages died with it; the next print launches a new browser.
      this.#starting = undefined;
      this.#idle.length = 0;
      this.#open = 0;
    });
    return { browser, context };
  }

  async #context(): Promise<BrowserContext> {
    if (this.#closed) throw new Error('the PDF printer is closed');
    this.#starting ??= this.#start().catch((err: unknown) => {
      this.#starting = undefined;
      throw err;
    });
    return (await this.#starting).context;
  }

  async #acquire(): Promise<Page> {
    const context = await this.#context();
    const idle = this.#idle.pop();
    if (idle && !idle.isClosed()) return idle;
    if (this.#open < this.#size) {
      this.#open++;
      try {
        return await context.newPage();
      } catch (err) {
        this.#open--;
        throw err;
      }
    }
    return new Promise<Page>((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(page: Page, broken: boolean): void {
    if (broken || page.isClosed()) {
      this.#open = Math.max(0, this.#open - 1);
      void page.close().catch(() => undefined);
      // Someone waiting gets a fresh page instead.
      const next = this.#waiting.shift();
      if (next) this.#acquire().then(next.resolve, next.reject);
      return;
    }
    const next = this.#waiting.shift();
    if (next) next.resolve(page);
    else this.#idle.push(page);
  }

  /**
   * Prints one HTML document (self-contained: styles inline, images as `data:` URLs) to a PDF whose pages are
   * exactly the given size (see {@link cropPageBoxes}), backgrounds included. @throws ChromiumMissingError when Chromium is not installed.
   */
  async print(html: string, options: PrintOptions): Promise<Buffer> {
    const page = await this.#acquire();
    let broken = false;
    try {
      await page.setContent(html, { waitUntil: 'load', timeout: 15_000 });
      const pdf = await page.pdf({
        width: `${options.widthMm}mm`,
        height: `${options.heightMm}mm`,
        printBackground: true,
        margin: { top: '0', right: '0', bottom: '0', left: '0' },
        preferCSSPageSize: false,
      });
      return cropPageBoxes(Buffer.from(pdf), mmToPt(options.widthMm), mmToPt(options.heightMm));
    } catch (err) {
      broken = true;
      throw err;
    } finally {
      this.#release(page, broken);
    }
  }

  /** Closes the browser (the app's `onClose`). */
  async close(): Promise<void> {
    this.#closed = true;
    const starting = this.#starting;
    this.#starting = undefined;
    if (!starting) return;
    try {
      const { browser } = await starting;
      await browser.close();
    } catch {
      // It never started, or is already gone.
    }
  }
}

const printers = new WeakMap<object, PdfPrinter>();

/** The printer shared by everything built on one app context (created on first use). */
export function sharedPdfPrinter(owner: object, options: PdfPrinterOptions): PdfPrinter {
  let printer = printers.get(owner);
  if (!printer) {
    printer = new PdfPrinter(options);
    printers.set(owner, printer);
  }
  return printer;
}

/** Closes and forgets the shared printer of `owner`, if any. */
export async function closeSharedPdfPrinter(owner: object): Promise<void> {
  const printer = printers.get(owner);
  printers.delete(owner);
  await printer?.close();
}
