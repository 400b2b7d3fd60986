import type { CatalogSet } from '../../core/i18n/messages.ts';
import fundEn from './locales/fund/en.json' with { type: 'json' };
import fundEs from './locales/fund/es.json' with { type: 'json' };
import fundHmn from './locales/fund/hmn.json' with { type: 'json' };
import fundSo from './locales/fund/so.json' with { type: 'json' };

/** The fund's messages (`locales/fund/*.json`): sources, contracts, time, invoices, burn, the funder report. */
export const fundCatalogs: CatalogSet = { en: fundEn, es: fundEs, so: fundSo, hmn: fundHmn };
