import type { Locale } from '../i18n/locales.ts';
import type { Translate } from '../i18n/messages.ts';

/** What every view needs to know about the request it renders for. */
export interface ViewContext {
  locale: Locale;
  t: Translate;
  /** Path and query of the current page without `lang`, for the language links. */
  path: string;
  offeredLocales: readonly Locale[];
  cityName: string;
  demo: boolean;
  csrfToken: string;
  /** Set in the staff back office. */
  staff?: { displayName: string; roles: readonly string[]; nav: Array<{ href: string; labelKey: string }> };
}
