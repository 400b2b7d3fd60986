import { IntlMessageFormat } from 'intl-messageformat';
import { DEFAULT_LOCALE, LOCALES, type Locale } from './locales.ts';

/** A catalog: message key → ICU MessageFormat string. Keys starting with `$` are metadata. */
export type Catalog = Record<string, string>;

/** A full set of catalogs, one per locale. */
export type CatalogSet = Record<Locale, Catalog>;

export type MessageValues = Record<string, string | number | boolean | Date | null | undefined>;

/** Month names in Hmong (RPA), which the platform's ICU data does not have. */
const HMONG_MONTHS = ['Ib', 'Ob', 'Peb', 'Plaub', 'Tsib', 'Rau', 'Xya', 'Yim', 'Cuaj', 'Kaum', 'Kaum Ib', 'Kaum Ob'];
/** `{name, date}` or `{name, date, long}`: the name, then whatever follows `date` up to the brace. */
const DATE_ARG = /\{\s*([A-Za-z_]\w*)\s*,\s*date([^{}]*)\}/g;
const DATE_STYLES = ['short', 'medium', 'long', 'full'] as const;
type DateStyle = (typeof DATE_STYLES)[number];

function dateStyle(rest: string | undefined): DateStyle {
  const style = (rest ?? '').replace(',', '').trim();
  return (DATE_STYLES as readonly string[]).includes(style) ? (style as DateStyle) : 'medium';
}

/**
 * Formats a date in Hmong: "hnub tim 26 lub Kaum Ib Hlis xyoo 2026" (long) or "11/26/2026" (short), in the
 * same time zone as every other locale's ICU dates. Node's ICU has no Hmong locale, and borrowing English
 * rules would print English month names.
 */
export function formatHmongDate(date: Date, style: 'short' | 'medium' | 'long' | 'full' = 'medium'): string {
  const parts = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(date);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const [day, month, year] = [part('day'), part('month'), part('year')];
  if (style === 'short') return `${month}/${day}/${year}`;
  return `hnub tim ${day} lub ${HMONG_MONTHS[month - 1] ?? ''} Hlis xyoo ${year}`;
}

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
      mf = new IntlMessageFormat(locale === 'hmn' ? hmongDateArguments(source) : source, locale === 'hmn' ? 'en' : locale);
      this.compiled.set(cacheKey, mf);
    }
    if (locale === 'hmn' && values) values = hmongDateValues(this.catalogs.hmn.get(key) ?? '', values);
    const out = mf.format(values);
    return Array.isArray(out) ? out.join('') : String(out);
  }

  /** A translator bound to one locale. */
  translator<K extends string = string>(locale: Locale): Translate<K> {
    return (key, values) => this.format(locale, key, values);
  }
}

/** Rewrites `{d, date, long}` to `{d__hmn_long}` so the value can be formatted in Hmong before ICU sees it. */
function hmongDateArguments(source: string): string {
  return source.replace(DATE_ARG, (_m, name: string, rest?: string) => `{${name}__hmn_${dateStyle(rest)}}`);
}

function hmongDateValues(source: string, values: MessageValues): MessageValues {
  const out: MessageValues = { ...values };
  for (const m of source.matchAll(DATE_ARG)) {
    const name = m[1] ?? '';
    const style = dateStyle(m[2]);
    const v = values[name];
    const date = v instanceof Date ? v : typeof v === 'number' || typeof v === 'string' ? new Date(v) : undefined;
    out[`${name}__hmn_${style}`] = date && !Number.isNaN(date.getTime()) ? formatHmongDate(date, style) : '';
  }
  return out;
}
