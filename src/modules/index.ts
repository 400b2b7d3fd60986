import type { SanctuaryModule } from '../core/modules/module.ts';

/** Every program module, in the order the home page lists them. */
export const MODULES: readonly SanctuaryModule[] = [];
