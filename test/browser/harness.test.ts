import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkA11y, checkA11yWithoutJs, useBrowserHarness } from './harness.ts';

const h = useBrowserHarness();

// The harness's own checks must be able to fail, or a green suite proves nothing.
describe('browser harness', () => {
  it('checkA11y fails on a WCAG violation with a readable list of rules and elements', async () => {
    const page = await h().newPage();
    await page.route(h().url('/broken'), (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><html><head><title>x</title></head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="/x"></a></main></body></html>',
      }),
    );
    await page.goto(h().url('/broken'));
    const error = await checkA11y(page).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/accessibility violation\(s\) on http:\/\/127\.0\.0\.1:\d+\/broken/);
    expect(error?.message).toContain('html-has-lang');
    expect(error?.message).toContain('image-alt');
    expect(error?.message).toContain('link-name');
    expect(error?.message).toMatch(/at img/);
  });

  it('checkA11yWithoutJs checks the script-free DOM of a page loaded with JavaScript off', async () => {
    const page = await h().newPage({ javaScriptEnabled: false });
    await page.goto(h().url('/?lang=so'));
    await checkA11yWithoutJs(h(), page);
  });

  it('screenshots the open pages of the running test', async () => {
    const page = await h().newPage();
    await page.goto(h().url('/'));
    const files = await h().screenshotAll('harness-self-test');
    expect(files).toHaveLength(1);
    expect(fs.statSync(files[0] ?? '').size).toBeGreaterThan(1000);
    for (const f of files) fs.rmSync(f);
  });
});
