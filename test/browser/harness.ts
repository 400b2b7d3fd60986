/**
 * The browser-test harness every test under test/browser uses: the real app started in-process on a temporary
 * SQLite database and a random port, the system Chromium driven by playwright-core, an axe-core WCAG 2.2 AA
 * check, and a screenshot of every open page when a test fails.
 *
 *   const h = useBrowserHarness();
 *   it('…', async () => {
 *     const page = await h().newPage();
 *     await page.goto(h().url('/?lang=es'));
 *     await checkA11y(page);
 *   });
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Page, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { createLogger } from '../../src/core/log.ts';

/** The four languages every public page is tested in. */
export const LANGS = ['en', 'es', 'so', 'hmn'] as const;
export type Lang = (typeof LANGS)[number];

/** The WCAG 2.2 AA rule sets axe runs (all of A and AA up to 2.2). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

/** Chromium flags: headless, no sandbox (containers), no GPU, no calls home. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] as const;

/** Where screenshots of failed tests go (printed when one is written). */
export const FAILURE_DIR = path.join(os.tmpdir(), 'sanctuary-browser-failures');

/** The Chromium the suite drives: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Whether that Chromium exists and is executable (scripts/test.js asks the same before running the suite). */
export function chromiumAvailable(): boolean {
  try {
    fs.accessSync(chromiumPath(), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface BrowserHarness {
  /** e.g. `http://127.0.0.1:40123` */
  baseUrl: string;
  /** An absolute URL on the app. */
  url(pathAndQuery: string): string;
  browser: Browser;
  ctx: AppContext;
  config: Config;
  /** A new, isolated browser context (own cookies); closed with the harness. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a new context. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Screenshots every open page of the running test into FAILURE_DIR; returns the files written. */
  screenshotAll(label: string): Promise<string[]>;
  /** Closes the contexts the running test opened (done after each test by `useBrowserHarness`). */
  releaseContexts(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra environment for `loadConfig` (e.g. `{ DEMO: 'true' }`). */
  env?: Record<string, string>;
  /** Called with the running app before the browser starts, e.g. to create a staff account. */
  setup?(ctx: AppContext): Promise<void>;
}

/**
 * Starts the app (SQLite in a temporary directory, quiet logs, no rate limit, demo off unless asked) on a random
 * port of 127.0.0.1, and launches Chromium. Playwright gives each launch a fresh `--user-data-dir` of its own.
 */
export async function startBrowserHarness(options: HarnessOptions = {}): Promise<BrowserHarness> {
  if (!chromiumAvailable()) {
    throw new Error(`Chromium not found at ${chromiumPath()}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-browser-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: path.join(dir, 'data'),
    KEY_FILE: path.join(dir, 'keys', 'kek.json'),
    DATABASE_URL: `sqlite:${path.join(dir, 'data', 'sanctuary.db')}`,
    LOG_LEVEL: 'silent',
    DEMO: 'false',
    RATE_LIMIT: 'false',
    HOST: '127.0.0.1',
    ...options.env,
  });
  fs.mkdirSync(config.dataDir, { recursive: true });
  const built = await buildApp({ config, logger: createLogger({ level: 'silent' }) });
  let browser: Browser | undefined;
  try {
    await built.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = built.app.server.address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    await options.setup?.(built.ctx);
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS] });
    // Contexts opened since the last `releaseContexts()` — those of the running test.
    let contexts: BrowserContext[] = [];
    const b = browser;
    const harness: BrowserHarness = {
      baseUrl,
      url: (p) => new URL(p, baseUrl).toString(),
      browser: b,
      ctx: built.ctx,
      config,
      async newContext(contextOptions = {}) {
        const context = await b.newContext({ baseURL: baseUrl, locale: 'en-US', ...contextOptions });
        context.setDefaultTimeout(15_000);
        contexts.push(context);
        return context;
      },
      async newPage(contextOptions = {}) {
        return (await harness.newContext(contextOptions)).newPage();
      },
      async screenshotAll(label) {
        fs.mkdirSync(FAILURE_DIR, { recursive: true });
        const safe = label.replace(/[^\w.-]+/g, '_').slice(0, 120);
        const files: string[] = [];
        let n = 0;
        for (const context of contexts) {
          for (const page of context.pages()) {
            if (page.isClosed()) continue;
            n += 1;
            const file = path.join(FAILURE_DIR, `${safe}-${n}.png`);
            try {
              await page.screenshot({ path: file, fullPage: true, timeout: 5_000 });
              files.push(file);
            } catch {
              // A crashed or navigating page cannot be captured; the assertion error is what matters.
            }
          }
        }
        return files;
      },
      async releaseContexts() {
        const open = contexts;
        contexts = [];
        await Promise.all(open.map((c) => c.close().catch(() => undefined)));
      },
      async close() {
        await b.close();
        await built.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    return harness;
  } catch (err) {
    await browser?.close();
    await built.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Registers the harness for the current test file: started before all tests, closed after, and a screenshot
 * of every open page when a test fails (the path is printed). Returns a getter for the running harness.
 */
export function useBrowserHarness(options: HarnessOptions = {}): () => BrowserHarness {
  let harness: BrowserHarness | undefined;
  beforeAll(async () => {
    harness = await startBrowserHarness(options);
  });
  afterAll(async () => {
    await harness?.close();
  });
  afterEach(async ({ task }) => {
    if (!harness) return;
    if (task.result?.state === 'fail') {
      const files = await harness.screenshotAll(`${path.basename(task.file?.name ?? 'test')}-${task.name}`);
      for (const f of files) process.stderr.write(`  screenshot: ${f}\n`);
    }
    await harness.releaseContexts();
  });
  return () => {
    if (!harness) throw new Error('the browser harness is not running (call useBrowserHarness() at the top of the file)');
    return harness;
  };
}

/** One axe violation, flattened for a readable failure message. */
export interface A11yProblem {
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  targets: string[];
}

/**
 * Runs axe-core with the WCAG 2.2 AA rule sets on the page as it is now and throws on any violation, listing
 * each rule, its impact, what it means and the elements at fault.
 */
export async function checkA11y(page: Page, options: { exclude?: string[] } = {}): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags([...WCAG_TAGS]);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  const results = await builder.analyze();
  const problems: A11yProblem[] = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.map(String).join(' ')),
  }));
  if (problems.length === 0) return;
  const lines = problems.flatMap((p) => [
    `  - ${p.rule} (${p.impact}): ${p.help}`,
    ...p.targets.slice(0, 10).map((t) => `      at ${t}`),
    ...(p.targets.length > 10 ? [`      … and ${p.targets.length - 10} more`] : []),
    `      ${p.helpUrl}`,
  ]);
  const lang = (await htmlLang(page).catch(() => null)) ?? '?';
  throw new Error(`${problems.length} accessibility violation(s) on ${page.url()} (lang=${lang}):\n${lines.join('\n')}`);
}

/** The `lang` attribute of the page's `<html>`. */
export async function htmlLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

/**
 * The focused element as `tag#id.class1.class2` (id and classes only when present), e.g. `a.usa-skipnav`.
 * Evaluated as a string: the test code is compiled without DOM types.
 */
export async function focused(page: Page): Promise<string> {
  return page.evaluate<string>(
    `(() => { const e = document.activeElement; if (!e) return ''; return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map((c) => '.' + c).join(''); })()`,
  );
}

/**
 * axe needs JavaScript, which a `javaScriptEnabled: false` page does not run. So: take that page's DOM as it
 * stands, drop its `<script>` elements, serve it at the same URL to a JavaScript-enabled page (same CSS, same
 * relative links) and check that — the page a visitor without JavaScript gets, checked with the same rules.
 */
export async function checkA11yWithoutJs(harness: BrowserHarness, page: Page): Promise<void> {
  const url = page.url();
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const context = await harness.newContext();
  try {
    const copy = await context.newPage();
    await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await copy.goto(url);
    expect(await copy.locator('script').count()).toBe(0);
    await checkA11y(copy);
  } finally {
    await context.close();
  }
}

/** Polls `check` every 50 ms until it returns true; fails after `timeoutMs` saying what it waited for. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
