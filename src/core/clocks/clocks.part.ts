import type { CatalogSet } from '../i18n/messages.ts';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import hmn from './locales/hmn.json' with { type: 'json' };
import so from './locales/so.json' with { type: 'json' };

/**
 * What the deadline engine brings to core (listed once in `core-module.ts`): its catalogs (statuses, event
 * kinds, reason codes, the name of every profile rule, errors), migrations, classification and the reminder job.
 */
export const clocksCatalogs: CatalogSet = { en, es, so, hmn };
export { clocksClassification } from './clocks.classification.ts';
export { clocksSchedules } from './clocks.jobs.ts';
export { clocksMigrations } from './clocks.migrations.ts';
