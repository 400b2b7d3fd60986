import { IntlMessageFormat } from 'intl-messageformat';
import { DEFAULT_LOCALE, LOCALES, type Locale } from './locales.ts';

/** A catalog: message key → ICU MessageFormat string. Keys starting with `$` are metadata. */
export type Catalog = Record<string, string>;

/** A full set of catalogs, one per locale. */
export type CatalogSet = Record<Locale, Catalog>;

export type MessageValues = Record<string, string | number | boolean | Date | null | undefined>;

/** Translates one key; typed by the keys of a catalog. */
export type Translate<K extends string = string> = (key: K, values?: MessageValues) => string;

/** Removes metadata entries (`$review`, …) from a catalog. */
export function messagesOf(catalog: Catalog): Catalog {
  return Object.fromEntries(Object.entries(catalog).filter(([k]) => !k.startsWith('$')));
}

/**
 * The merged catalogs of core and every module, with compiled messages cached per locale. A key missing in
 * a locale falls back to English (the catalog test makes sure none is missing).
 */
export class Messages {
  private readonly catalogs: Record<Locale, Map<string, string>>;
  private readonly compiled = new Map<string, IntlMessageFormat>();

  constructor(sets: Array<{ owner: string; catalogs: CatalogSet }>) {
    this.catalogs = Object.fromEntries(LOCALES.map((l) => [l, new Map<string, string>()])) as Record<
      Locale,
      Map<string, string>
    >;
    for (const { owner, catalogs } of sets) {
      for (const locale of LOCALES) {
        for (const [key, message] of Object.entries(messagesOf(catalogs[locale]))) {
          const target = this.catalogs[locale];
          if (target.has(key)) throw new Error(`Message key "${key}" (${owner}) is declared twice for ${locale}`);
          target.set(key, message);
        }
      }
    }
  }

  has(key: string): boolean {
    return this.catalogs[DEFAULT_LOCALE].has(key);
  }

  /** Formats a message; unknown keys render as the key itself so a gap is visible, never a crash. */
  format(locale: Locale, key: string, values?: MessageValues): string {
    const cacheKey = `${locale}\u0000${key}`;
    let mf = this.compiled.get(cacheKey);
    if (!mf) {
      const source = this.catalogs[locale].get(key) ?? this.catalogs[DEFAULT_LOCALE].get(key);
      if (source === undefined) return key;
      mf = new IntlMessageFormat(source, locale === 'hmn' ? 'en' : locale);
      this.compiled.set(cacheKey, mf);
    }
    const out = mf.format(values as Record<string, string | number | boolean | Date | null | undefined>);
    return Array.isArray(out) ? out.join('') : String(out);
  }

  /** A translator bound to one locale. */
  translator<K extends string = string>(locale: Locale): Translate<K> {
    return (key, values) => this.format(locale, key, values);
  }
}
