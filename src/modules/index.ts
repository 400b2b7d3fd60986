import type { SanctuaryModule } from '../core/modules/module.ts';
import { officeModule } from './office/index.ts';

/** Every program module, in the order the home page lists them. */
export const MODULES: readonly SanctuaryModule[] = [officeModule];
