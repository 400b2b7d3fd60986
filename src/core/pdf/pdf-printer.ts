/**
 * The one HTML-to-PDF printer of the app: the system Chromium driven by playwright-core. Every module that
 * prints (ID cards, decision letters, Supplement B answers) prints through `ctx.pdf`.
 *
 * Why Chromium and not a PDF library: names must print in every script people have — Somali and Hmong
 * (Latin with tone letters), Vietnamese (stacked diacritics), Amharic (Ethiopic), Arabic (right-to-left,
 * joined letter forms), Chinese. That needs a text shaper (HarfBuzz), bidi and font fallback, which a browser
 * has and PDF libraries do not. Fonts come from the system (Debian `fonts-noto-core`, `fonts-noto-cjk`).
 *
 * - **Warm**: one browser is launched on first use (or by `warm()`) and kept for the life of the app; a
 *   launch costs ~300 ms, a new page ~20 ms, so pages are pooled and reused.
 * - **Bounded**: at most `pages` prints run at once; more wait in order for a free page.
 * - **No network**: JavaScript is off, the context is offline, and every request that is not the inline
 *   document or one of its `data:` URLs is refused, so a printed document can reach nothing (a stray URL in a
 *   name fetches nothing) and nothing reaches it.
 * - **Closed with the app** (`close()`, from `app.ts`): waiting prints are refused, the browser is closed.
 *   If the browser dies meanwhile, the next print launches a new one.
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
  /** Pages kept open and reused, and so prints at once (default 4, at most 16); more wait for a free page. */
  pages?: number;
}

/** The size of a printed document's pages; without it, the document's CSS `@page` rule decides. */
export interface PrintOptions {
  /** Page size in millimetres (the page size wins over any CSS `@page` rule; boxes are cropped exactly). */
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
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-sync',
  '--disable-extensions',
  '--no-first-run',
  '--no-default-browser-check',
  '--metrics-recording-only',
];

/** Whether a request may load: only the inline document itself and its `data:` URLs. */
export function allowedRequest(url: URL): boolean {
  return url.protocol === 'data:' || url.href === 'about:blank';
}

interface Running {
  browser: Browser;
  context: BrowserContext;
}

/** A warm Chromium with a bounded pool of pages that turns self-contained HTML into PDF. */
export class PdfPrinter {
  readonly #chromiumPath: string;
  readonly #size: number;
  #running: Promise<Running> | undefined;
  readonly #idle: Page[] = [];
  readonly #waiting: Array<{ resolve: (page: Page) => void; reject: (err: unknown) => void }> = [];
  #open = 0;
  #closed = false;
  /** Requests refused since start (a test sees that a stray URL was blocked, not fetched). */
  #blocked = 0;

  constructor(options: PdfPrinterOptions) {
    this.#chromiumPath = options.chromiumPath;
    this.#size = Math.max(1, Math.min(16, options.pages ?? 4));
  }

  /** Prints allowed at once (the page pool's size). */
  get concurrency(): number {
    return this.#size;
  }

  /** Requests a printed document tried to make and that were refused. */
  get blockedRequests(): number {
    return this.#blocked;
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

  async #launch(): Promise<Running> {
    if (!this.available()) throw new ChromiumMissingError(this.#chromiumPath);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: this.#chromiumPath, headless: true, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true, locale: 'en-US', serviceWorkers: 'block', acceptDownloads: false });
      await context.route(
        (url) => !allowedRequest(url),
        (route) => {
          this.#blocked++;
          return route.abort('blockedbyclient');
        },
      );
      browser.on('disconnected', () => {
        // The pool's pages died with it; the next print launches a new browser.
        this.#running = undefined;
        this.#idle.length = 0;
        this.#open = 0;
      });
      return { browser, context };
    } catch (err) {
      await browser.close().catch(() => undefined);
      throw err;
    }
  }

  async #context(): Promise<BrowserContext> {
    if (this.#closed) throw new Error('the PDF printer is closed');
    this.#running ??= this.#launch().catch((err: unknown) => {
      this.#running = undefined;
      throw err;
    });
    return (await this.#running).context;
  }

  /** Launches the browser now (e.g. at start), so the first print does not wait for it. */
  async warm(): Promise<void> {
    await this.#context();
  }

  async #acquire(): Promise<Page> {
    const context = await this.#context();
    // Closed while the browser was starting.
    if (this.#closed) throw new Error('the PDF printer is closed');
    for (let idle = this.#idle.pop(); idle; idle = this.#idle.pop()) {
      if (!idle.isClosed()) return idle;
      this.#open = Math.max(0, this.#open - 1);
    }
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
    if (this.#closed) {
      void page.close().catch(() => undefined);
      for (const w of this.#waiting.splice(0)) w.reject(new Error('the PDF printer is closed'));
      return;
    }
    if (broken || page.isClosed()) {
      this.#open = Math.max(0, this.#open - 1);
      void page.close().catch(() => undefined);
      // Whoever waits gets a fresh page instead.
      const next = this.#waiting.shift();
      if (next) this.#acquire().then(next.resolve, next.reject);
      return;
    }
    const next = this.#waiting.shift();
    if (next) next.resolve(page);
    else this.#idle.push(page);
  }

  /**
   * Prints one HTML document (self-contained: styles inline, images as `data:` URLs), backgrounds included.
   * With `options`, every page is exactly that size (see {@link cropPageBoxes}); without, the document's CSS
   * `@page` rule sets it. @throws ChromiumMissingError when Chromium is not installed.
   */
  async print(html: string, options?: PrintOptions): Promise<Buffer> {
    const page = await this.#acquire();
    let broken = false;
    try {
      await page.setContent(html, { waitUntil: 'load', timeout: 15_000 });
      if (!options) return Buffer.from(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
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

  /** Closes the browser (the app's `onClose`); prints waiting for a page are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) w.reject(new Error('the PDF printer is closed'));
    this.#idle.length = 0;
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    try {
      await (await running).browser.close();
    } catch {
      // It never started, or is already gone.
    }
  }
}
