import type { CatalogSet } from '../../core/i18n/messages.ts';
import outcomesEn from './locales/outcomes/en.json' with { type: 'json' };
import outcomesEs from './locales/outcomes/es.json' with { type: 'json' };
import outcomesHmn from './locales/outcomes/hmn.json' with { type: 'json' };
import outcomesSo from './locales/outcomes/so.json' with { type: 'json' };

/** Closing a case, the public outcomes page and the demand-gate label (`locales/outcomes/*.json`). */
export const outcomesCatalogs: CatalogSet = { en: outcomesEn, es: outcomesEs, so: outcomesSo, hmn: outcomesHmn };

/**
 * Merges the module's catalogs (the main `locales/*.json` and each part's `locales/<part>/*.json`). A key declared
 * twice is a mistake: this throws, so the app refuses to start.
 */
export function mergeCatalogs(...sets: CatalogSet[]): CatalogSet {
  const merged: CatalogSet = { en: {}, es: {}, so: {}, hmn: {} };
  for (const set of sets) {
    for (const locale of Object.keys(merged) as Array<keyof CatalogSet>) {
      const target = merged[locale];
      for (const [key, value] of Object.entries(set[locale])) {
        if (key.startsWith('$')) {
          target[key] ??= value;
          continue;
        }
        if (key in target) throw new Error(`legal-defense: message key "${key}" is declared twice (${locale})`);
        target[key] = value;
      }
    }
  }
  return merged;
}
