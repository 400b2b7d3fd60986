import { describe, expect, it } from 'vitest';
import { LANGS, checkA11y, checkA11yWithoutJs, focused, htmlLang, until, useBrowserHarness } from './harness.ts';

const h = useBrowserHarness();

describe('public pages in every language', () => {
  for (const lang of LANGS) {
    it(`home and privacy in "${lang}": <html lang>, remembered across navigation, no axe violation`, async () => {
      const page = await h().newPage();
      const res = await page.goto(h().url(`/?lang=${lang}`));
      expect(res?.status()).toBe(200);
      expect(await htmlLang(page)).toBe(lang);
      expect(await page.locator('h1').count()).toBe(1);
      await checkA11y(page);

      // Follow the footer link: no ?lang on this URL, so the language must come from the remembered choice.
      await page.locator('footer a[href="/privacy"]').click();
      await page.waitForURL(/\/privacy$/);
      expect(await htmlLang(page)).toBe(lang);
      await checkA11y(page);

      // And a fresh load of home without ?lang keeps it too.
      await page.goto(h().url('/'));
      expect(await htmlLang(page)).toBe(lang);
    });
  }

  it('the language selector switches language and marks the current one', async () => {
    const page = await h().newPage();
    await page.goto(h().url('/privacy?lang=en'));
    await page.locator('nav.sanctuary-languages a[hreflang="so"]').click();
    await page.waitForURL(/lang=so/);
    expect(await htmlLang(page)).toBe('so');
    expect(new URL(page.url()).pathname).toBe('/privacy');
    expect(await page.locator('nav.sanctuary-languages [aria-current="true"]').getAttribute('lang')).toBe('so');
  });
});

describe('compression', () => {
  it('the browser gets the page and the stylesheet compressed and renders with the styles', async () => {
    // The first visits start the compression in the background; a later visit (a new context each time, so
    // nothing comes from the browser's cache) gets the compressed forms.
    let page = await h().newPage();
    await until(async () => {
      page = await h().newPage();
      const encodings = new Map<string, string | undefined>();
      page.on('response', (r) => encodings.set(new URL(r.url()).pathname, r.headers()['content-encoding']));
      await page.goto(h().url('/privacy?lang=hmn'));
      return encodings.get('/privacy') === 'br' && encodings.get('/assets/uswds/css/uswds.min.css') === 'br';
    }, 'the page and the stylesheet to come Brotli-compressed', 15_000);
    expect(await htmlLang(page)).toBe('hmn');
    // The decoded stylesheet applies: USWDS's skip link sits off-screen until focused.
    const rules = await page.evaluate<number>("[...document.styleSheets].find((s) => (s.href ?? '').endsWith('/uswds.min.css'))?.cssRules.length ?? 0");
    expect(rules).toBeGreaterThan(1000);
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('a.usa-skipnav')).position")).toBe('absolute');
    await checkA11y(page);
  });
});

describe('keyboard', () => {
  it('the first Tab reaches the skip link, and following it moves focus to the main content', async () => {
    const page = await h().newPage();
    await page.goto(h().url('/?lang=es'));
    await page.keyboard.press('Tab');
    const skip = page.locator('a.usa-skipnav');
    expect(await focused(page)).toMatch(/^a\.usa-skipnav\b/);
    // Visible when focused (USWDS hides it off-screen otherwise), so a sighted keyboard user sees it.
    expect(await skip.isVisible()).toBe(true);
    // USWDS slides it in (a 0.15 s transition on `top`), so wait for it to settle on screen.
    await until(async () => {
      const box = await skip.boundingBox();
      return box !== null && box.y >= 0 && box.x >= 0 && box.width > 0;
    }, 'the focused skip link to be on screen');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatch(/^main#main-content\b/);
    // The next Tab continues from the main content (into it, or past it), not from the top of the page.
    await page.keyboard.press('Tab');
    expect(await page.locator('#main-content :focus, footer :focus').count()).toBe(1);
  });
});

describe('without JavaScript', () => {
  it('home, language choice and privacy page work with scripts disabled', async () => {
    const page = await h().newPage({ javaScriptEnabled: false });
    await page.goto(h().url('/'));
    expect(await htmlLang(page)).toBe('en');
    await page.locator('nav.sanctuary-languages a[hreflang="hmn"]').click();
    await page.waitForURL(/lang=hmn/);
    expect(await htmlLang(page)).toBe('hmn');
    await page.locator('footer a[href="/privacy"]').click();
    await page.waitForURL(/\/privacy$/);
    expect(await htmlLang(page)).toBe('hmn');
    expect(await page.locator('main h1').count()).toBe(1);
    await checkA11yWithoutJs(h(), page);
  });
});
