import type { SanctuaryModule } from '../core/modules/module.ts';
import { appointmentsModule } from './appointments/index.ts';
import { legalDefenseModule } from './legal-defense/index.ts';
import { municipalIdModule } from './municipal-id/index.ts';
import { officeModule } from './office/index.ts';
import { uVisaModule } from './u-visa/index.ts';

/** Every program module, in the order the home page lists them. */
export const MODULES: readonly SanctuaryModule[] = [legalDefenseModule, municipalIdModule, appointmentsModule, uVisaModule, officeModule];
