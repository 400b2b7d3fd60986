import type { CatalogSet } from '../i18n/messages.ts';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import so from './locales/so.json' with { type: 'json' };
import hmn from './locales/hmn.json' with { type: 'json' };

/** The forms engine's own messages (buttons, page titles, generic errors). */
export const formsCatalogs: CatalogSet = { en, es, so, hmn };
