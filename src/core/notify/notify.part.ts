import type { CatalogSet } from '../i18n/messages.ts';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import hmn from './locales/hmn.json' with { type: 'json' };
import so from './locales/so.json' with { type: 'json' };

export { notifyMigrations } from './notify.migrations.ts';

/** Catalogs of core's notification templates (`notify.*`). */
export const notifyCatalogs: CatalogSet = { en, es, so, hmn };
export { notifyClassification } from './notify.classification.ts';
