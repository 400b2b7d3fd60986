/**
 * Dates, times and language names as residents read them. Day names come from the catalogs (so Hmong, which
 * the runtime's locale data lacks, reads naturally); clock times use the runtime's formats where it has them.
 */
import type { Locale } from '../../core/i18n/locales.ts';
import type { Messages } from '../../core/i18n/messages.ts';
import { dateMs, weekdayOf } from './zoned-time.ts';

/** What formatting needs from a translator: one message key at a time. */
export type Format = (key: string, values?: Record<string, string | number>) => string;

/** A translator bound to a locale, from the platform's messages. */
export function formatterFor(messages: Messages, locale: Locale): Format {
  return (key, values) => messages.format(locale, key, values);
}

/** "Tuesday, December 1" in the reader's language. */
export function formatDay(t: Format, isoDate: string, options: { year?: boolean } = {}): string {
  const d = new Date(dateMs(isoDate));
  return t(options.year ? 'appointments.format.dayYear' : 'appointments.format.day', {
    weekday: t(`appointments.weekday.${weekdayOf(isoDate)}`),
    month: t(`appointments.month.${d.getUTCMonth() + 1}`),
    day: d.getUTCDate(),
    year: d.getUTCFullYear(),
  });
}

const TIME_LOCALE: Record<Locale, string> = { en: 'en-US', es: 'es-US', so: 'so', hmn: 'en-US' };

/** "9:20 AM" (or the locale's own way) at the instant, in the city's time zone. */
export function formatTime(locale: Locale, timeZone: string, instant: Date | string): string {
  return new Intl.DateTimeFormat(TIME_LOCALE[locale], { timeStyle: 'short', timeZone }).format(new Date(instant));
}

/**
 * A language code as its own name ("Soomaali"), for lists where each name is marked with its language. The
 * jurisdiction's own names win (the runtime calls Hmong "Hmong", the city "Hmoob").
 */
export function nativeLanguageName(code: string, known: ReadonlyArray<{ code: string; nativeName: string }> = []): string {
  const listed = known.find((l) => l.code === code);
  if (listed) return listed.nativeName;
  try {
    const name = new Intl.DisplayNames([code], { type: 'language', fallback: 'none' }).of(code);
    if (name && name !== code) return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  } catch {
    // Not a code the runtime knows: fall back to the English name below.
  }
  return englishLanguageName(code);
}

/** A language code in English ("Somali"); the code itself if the runtime cannot name it. */
export function englishLanguageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}
