import type { Jurisdiction } from '../../../../core/jurisdiction/index.ts';
import type { Locale } from '../../../../core/i18n/locales.ts';

/** Hmong has no CLDR data in the runtime: English formats stand in for it. */
function intlLocale(locale: Locale): string {
  return locale === 'hmn' ? 'en' : locale;
}

/** A timestamp as the city's local date and time, in the reader's language. */
export function formatDateTime(locale: Locale, jurisdiction: Jurisdiction, iso: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone: jurisdiction.locale.timezone.value }).format(new Date(iso));
}

/** A timestamp as the city's local time of day. */
export function formatTime(locale: Locale, jurisdiction: Jurisdiction, iso: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { timeStyle: 'short', timeZone: jurisdiction.locale.timezone.value }).format(new Date(iso));
}

/** A `YYYY-MM-DD` day, long form ("Tuesday, December 1, 2026"), and its weekday alone. */
export function formatDay(locale: Locale, isoDate: string): { date: string; weekday: string } {
  const d = new Date(`${isoDate}T12:00:00Z`);
  return {
    date: new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long', timeZone: 'UTC' }).format(d),
    weekday: new Intl.DateTimeFormat(intlLocale(locale), { weekday: 'long', timeZone: 'UTC' }).format(d),
  };
}
