import type { Child } from 'hono/jsx';
import { LOCALE_NAMES } from '../i18n/locales.ts';
import type { ViewContext } from './view-context.ts';

/** Builds a link to the current page in another language. */
export function languageHref(path: string, lang: string): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

function LanguageSelector({ ctx }: { ctx: ViewContext }) {
  return (
    <nav class="sanctuary-languages" aria-label={ctx.t('layout.languages.label')}>
      <ul class="usa-list usa-list--unstyled sanctuary-languages__list">
        {ctx.offeredLocales.map((l) => (
          <li>
            {l === ctx.locale ? (
              <span class="sanctuary-languages__current" lang={l} aria-current="true">
                {LOCALE_NAMES[l]}
              </span>
            ) : (
              <a href={languageHref(ctx.path, l)} lang={l} hreflang={l} class="usa-link">
                {LOCALE_NAMES[l]}
              </a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * `aria-current` of a staff menu entry: `page` on its own page, `true` anywhere in its section (the staff home is
 * a page, not a section: every staff page is under /staff).
 */
function currentSection(path: string, href: string): 'page' | 'true' | undefined {
  const pathname = path.split('?')[0] ?? path;
  if (pathname === href) return 'page';
  return href !== '/staff' && pathname.startsWith(`${href}/`) ? 'true' : undefined;
}

/**
 * The staff menu: a plain list of links and the sign-out button, visible at every width. Not USWDS's `usa-nav`,
 * which its stylesheet hides below 64em until its script opens it (no menu at all on a phone without
 * JavaScript); a list that wraps costs a line or two on a phone and needs no button, script or focus handling.
 */
function StaffNav({ ctx }: { ctx: ViewContext }) {
  if (!ctx.staff) return null;
  return (
    <nav aria-label={ctx.t('layout.staffNav.label')} class="sanctuary-staff-nav">
      <ul class="usa-list usa-list--unstyled sanctuary-staff-nav__list">
        {ctx.staff.nav.map((item) => (
          <li class="sanctuary-staff-nav__item">
            <a href={item.href} class="usa-link sanctuary-staff-nav__link" aria-current={currentSection(ctx.path, item.href)}>
              {ctx.t(item.labelKey)}
            </a>
          </li>
        ))}
        <li class="sanctuary-staff-nav__item">
          <form method="post" action="/staff/logout" class="sanctuary-inline-form">
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            <button type="submit" class="usa-button usa-button--unstyled sanctuary-signout sanctuary-staff-nav__link">
              {ctx.t('layout.signOut')}
            </button>
          </form>
        </li>
      </ul>
    </nav>
  );
}

/**
 * The page frame: skip link, demo banner, header with the language selector, main content, footer with the
 * privacy notice. Scripts are files from our own origin only (CSP `script-src 'self'`), loaded last, and
 * every page works without them.
 */
export function Layout(props: { ctx: ViewContext; title: string; children?: Child; breadcrumbs?: Child }) {
  const { ctx } = props;
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · ${ctx.t('layout.siteName', { city: ctx.cityName })}`}</title>
        <link rel="stylesheet" href="/assets/uswds/css/uswds.min.css" />
        <link rel="stylesheet" href="/assets/app/app.css" />
        <script src="/assets/uswds/js/uswds-init.min.js"></script>
      </head>
      <body>
        <a class="usa-skipnav" href="#main-content">
          {ctx.t('layout.skipLink')}
        </a>
        {ctx.demo ? (
          <div class="sanctuary-demo-banner" role="region" aria-label={ctx.t('layout.demo.label')}>
            <strong>{ctx.t('layout.demo.title')}</strong> {ctx.t('layout.demo.body')}
          </div>
        ) : null}
        {/* The site name and the language list share a row while they fit and stack on a phone; the staff menu is a
            row of its own below them, so neither squeezes the other at any width. */}
        <header class="usa-header sanctuary-header">
          <div class="grid-container sanctuary-header__bar">
            <div class="usa-logo sanctuary-header__logo">
              <em class="usa-logo__text">
                <a href={ctx.staff ? '/staff' : '/'} title={ctx.t('layout.home')}>
                  {ctx.t('layout.siteName', { city: ctx.cityName })}
                </a>
              </em>
            </div>
            <LanguageSelector ctx={ctx} />
          </div>
          {ctx.staff ? (
            <div class="sanctuary-header__nav">
              <div class="grid-container">
                <StaffNav ctx={ctx} />
              </div>
            </div>
          ) : null}
        </header>
        <main id="main-content" class="grid-container sanctuary-main" tabindex={-1}>
          {props.breadcrumbs}
          {props.children}
        </main>
        <footer class="usa-footer usa-footer--slim">
          <div class="grid-container usa-footer__primary-section sanctuary-footer">
            <h2 class="usa-sr-only">{ctx.t('layout.footer.heading')}</h2>
            <p>
              <strong>{ctx.t('layout.footer.privacyTitle')}</strong> {ctx.t('layout.footer.privacyBody')}
            </p>
            <p>
              <a class="usa-link" href="/privacy">
                {ctx.t('layout.footer.privacyLink')}
              </a>
            </p>
          </div>
        </footer>
        <script src="/assets/uswds/js/uswds.min.js"></script>
      </body>
    </html>
  );
}
