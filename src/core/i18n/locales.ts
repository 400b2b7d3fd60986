/** The languages the platform ships with. Jurisdiction profiles choose which of them to offer. */
export const LOCALES = ['en', 'es', 'so', 'hmn'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language's name in itself, for the language selector. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: 'English',
  es: 'Español',
  so: 'Soomaali',
  hmn: 'Hmoob',
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Picks the best supported locale from an Accept-Language header (quality-ordered), falling back to the
 * default. Only the primary subtag matters here (es-MX → es).
 */
export function negotiateLocale(header: string | undefined, offered: readonly Locale[] = LOCALES): Locale {
  if (!header) return offered[0] ?? DEFAULT_LOCALE;
  const ranked = header
    .slice(0, 512)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number.parseFloat(q.slice(2)) : 1;
      return { lang: tag.toLowerCase().split('-')[0] ?? '', quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((r) => r.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const r of ranked) {
    if (isLocale(r.lang) && offered.includes(r.lang)) return r.lang;
  }
  return offered[0] ?? DEFAULT_LOCALE;
}
