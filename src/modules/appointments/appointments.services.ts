/**
 * The kinds of appointment (services) the platform books. A service is declared in code by the module that
 * owns it — its title and instructions are message keys in that module's catalogs, its slot length and
 * booking window are product decisions — while *where* it is offered and *how many people per slot* are
 * per-site settings that staff manage in the database (`appointment_site_services`).
 *
 * ```ts
 * import { registerService } from '../appointments/api.ts';
 * registerService({ id: 'clinic-consultation', titleKey: 'clinics.service.title', slotMinutes: 30 });
 * ```
 *
 * Register at module load (top level of the owning module's `index.ts`), so every service is known before the
 * app starts; the appointments module checks every registered service's message keys at start-up.
 */

/** A kind of appointment. */
export interface ServiceDefinition {
  /** kebab-case, stable (stored with every booking): `municipal-id-enrolment`, `clinic-consultation`. */
  id: string;
  /** Message key of the service's name, shown to residents and staff. */
  titleKey: string;
  /** Message key of a one-sentence description on the public list. */
  descriptionKey?: string;
  /** Message key of "what to bring / what happens", on the confirmation page, in messages and in the .ics. */
  instructionsKey?: string;
  /** Length of one slot, 5–480 minutes. */
  slotMinutes: number;
  /** How far ahead residents may book (default 42 days: six weeks). */
  bookingWindowDays?: number;
  /** How long before a slot booking closes (default 60 minutes). */
  minNoticeMinutes?: number;
  /** Whether residents can book it directly at `/appointments` (default true); otherwise only through another module's flow. */
  publicBooking?: boolean;
  /** Minutes before the appointment at which reminders go out; default: the `APPOINTMENT_REMINDERS` setting. */
  reminderMinutes?: readonly number[];
}

/** A service with its defaults filled in. */
export type ResolvedService = Required<Omit<ServiceDefinition, 'descriptionKey' | 'instructionsKey' | 'reminderMinutes'>> &
  Pick<ServiceDefinition, 'descriptionKey' | 'instructionsKey' | 'reminderMinutes'>;

/** The id of the municipal-ID enrolment appointment (issue 4): the municipal-ID module books it through `api.ts`. */
export const MUNICIPAL_ID_ENROLMENT = 'municipal-id-enrolment';

/** kebab-case: lower-case words of letters and digits joined by single dashes, starting with a letter. */
function isServiceId(id: string): boolean {
  const words = id.split('-');
  return /^[a-z]/.test(id) && words.every((w) => /^[a-z0-9]+$/.test(w));
}
const registry = new Map<string, ResolvedService>();

/** Thrown for an invalid or conflicting service declaration (a programming error: the app does not start). */
export class ServiceDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceDefinitionError';
  }
}

function resolve(def: ServiceDefinition): ResolvedService {
  const where = `appointment service "${def.id}"`;
  if (!isServiceId(def.id) || def.id.length > 40) throw new ServiceDefinitionError(`${where}: id must be kebab-case, at most 40 characters`);
  if (!Number.isInteger(def.slotMinutes) || def.slotMinutes < 5 || def.slotMinutes > 480) throw new ServiceDefinitionError(`${where}: slotMinutes must be 5–480`);
  const windowDays = def.bookingWindowDays ?? 42;
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 366) throw new ServiceDefinitionError(`${where}: bookingWindowDays must be 1–366`);
  const notice = def.minNoticeMinutes ?? 60;
  if (!Number.isInteger(notice) || notice < 0 || notice > 7 * 24 * 60) throw new ServiceDefinitionError(`${where}: minNoticeMinutes must be 0–10080`);
  for (const m of def.reminderMinutes ?? []) {
    if (!Number.isInteger(m) || m < 5 || m > 30 * 24 * 60) throw new ServiceDefinitionError(`${where}: reminderMinutes must be 5 minutes to 30 days`);
  }
  return {
    id: def.id,
    titleKey: def.titleKey,
    descriptionKey: def.descriptionKey,
    instructionsKey: def.instructionsKey,
    slotMinutes: def.slotMinutes,
    bookingWindowDays: windowDays,
    minNoticeMinutes: notice,
    publicBooking: def.publicBooking ?? true,
    reminderMinutes: def.reminderMinutes ? [...def.reminderMinutes] : undefined,
  };
}

/**
 * Declares a kind of appointment. Declaring the same id again with the same definition is harmless (a module
 * imported twice); a different definition under a taken id throws.
 */
export function registerService(def: ServiceDefinition): void {
  const resolved = resolve(def);
  const existing = registry.get(def.id);
  if (existing) {
    if (JSON.stringify(existing) === JSON.stringify(resolved)) return;
    throw new ServiceDefinitionError(`appointment service "${def.id}" is already declared with a different definition`);
  }
  registry.set(def.id, resolved);
}

/** A declared service, or `undefined`. */
export function findService(id: string): ResolvedService | undefined {
  return registry.get(id);
}

/** Every declared service, in declaration order. */
export function listServices(): ResolvedService[] {
  return [...registry.values()];
}

/** Message keys every declared service uses (checked against the catalogs at start-up). */
export function serviceMessageKeys(): string[] {
  return listServices().flatMap((s) => [s.titleKey, s.descriptionKey, s.instructionsKey].filter((k): k is string => typeof k === 'string'));
}

// The municipal-ID enrolment appointment is declared here, with the scheduling capability it is part of
// (issue 4, item 3), so that sites, the public booking pages and the demo work on their own; the municipal-ID
// module books it through `api.ts` with `MUNICIPAL_ID_ENROLMENT`.
registerService({
  id: MUNICIPAL_ID_ENROLMENT,
  titleKey: 'appointments.service.municipal-id-enrolment.title',
  descriptionKey: 'appointments.service.municipal-id-enrolment.description',
  instructionsKey: 'appointments.service.municipal-id-enrolment.instructions',
  slotMinutes: 20,
  bookingWindowDays: 42,
  minNoticeMinutes: 60,
  publicBooking: true,
});
