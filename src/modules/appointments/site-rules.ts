/**
 * Sites as the rest of the module reads them: details, opening hours, closures and the services offered,
 * loaded together, and the slot rules of a site for a service.
 */
import type { Role } from '../../core/auth/permissions.ts';
import type { Executor } from '../../core/db/transaction.ts';
import { isHoliday, localDate } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import type { ResolvedService } from './appointments.services.ts';
import type { ClosureReason } from './appointments.schemas.ts';
import type { DayRules, OpeningRange } from './slots.ts';
import { type SiteRow, sitesRepo } from './sites.repo.ts';
import { parseClock } from './zoned-time.ts';

/** The staff member acting, as the audit log records them. */
export interface StaffActor {
  userId: string;
  role: Role;
  /** The HTTP request id, to tie the audit entry to the request log. */
  requestId?: string;
}

/** Who changes something: staff, the resident (by reference code or claim link), or the system (jobs, demo). */
export type Actor = StaffActor | { userId: null; role: 'resident' | 'system'; requestId?: string };

/** A site with everything that decides its slots. */
export interface SiteView {
  id: string;
  name: string;
  address: string;
  languages: string[];
  /** Accessibility notes per locale (staff write them; English is the fallback). */
  accessibility: Record<string, string>;
  active: boolean;
  hours: OpeningRange[];
  closures: Array<{ id: string; fromDate: string; toDate: string; reason: ClosureReason }>;
  services: Array<{ serviceId: string; capacity: number; active: boolean }>;
}

/** The public facts of a site that travel with a booking (name and address of a city office). */
export interface SitePlace {
  id: string;
  name: string;
  address: string;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toView(row: SiteRow, parts: { hours: OpeningRange[]; closures: SiteView['closures']; services: SiteView['services'] }): SiteView {
  const languages = parseJson<unknown>(row.languages, []);
  const accessibility = parseJson<unknown>(row.accessibility, {});
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    languages: Array.isArray(languages) ? languages.filter((l): l is string => typeof l === 'string') : [],
    accessibility:
      accessibility && typeof accessibility === 'object'
        ? Object.fromEntries(Object.entries(accessibility).filter((e): e is [string, string] => typeof e[1] === 'string'))
        : {},
    active: row.active === 1,
    ...parts,
  };
}

/**
 * Loads sites with their hours, closures (those not over before `fromDate`) and services. `ids` limits the
 * sites; `activeOnly` skips deactivated ones.
 */
export async function loadSites(db: Executor, options: { ids?: readonly string[]; activeOnly: boolean; fromDate: string }): Promise<SiteView[]> {
  let rows = await sitesRepo.listSites(db, { activeOnly: options.activeOnly });
  if (options.ids) rows = rows.filter((r) => options.ids?.includes(r.id));
  const ids = rows.map((r) => r.id);
  const [hours, closures, services] = await Promise.all([
    sitesRepo.hoursOf(db, ids),
    sitesRepo.closuresOf(db, ids, options.fromDate),
    sitesRepo.servicesOf(db, ids),
  ]);
  return rows.map((row) =>
    toView(row, {
      hours: hours
        .filter((h) => h.site_id === row.id)
        .flatMap((h) => {
          const opens = parseClock(h.opens);
          const closes = parseClock(h.closes);
          return opens === null || closes === null ? [] : [{ weekday: h.weekday, opens, closes }];
        }),
      closures: closures
        .filter((c) => c.site_id === row.id)
        .map((c) => ({ id: c.id, fromDate: c.from_date, toDate: c.to_date, reason: c.reason as ClosureReason })),
      services: services.filter((s) => s.site_id === row.id).map((s) => ({ serviceId: s.service_id, capacity: s.capacity, active: s.active === 1 })),
    }),
  );
}

/** One site (active or not), or `null`. */
export async function loadSite(ctx: AppContext, id: string, db: Executor = ctx.db.kysely): Promise<SiteView | null> {
  const [site] = await loadSites(db, { ids: [id], activeOnly: false, fromDate: localDate(ctx.jurisdiction, ctx.now()) });
  return site ?? null;
}

/** The offer of a service at a site, if the site offers it now. */
export function offerAt(site: SiteView, serviceId: string): { capacity: number } | null {
  const offer = site.services.find((s) => s.serviceId === serviceId && s.active);
  return site.active && offer ? { capacity: offer.capacity } : null;
}

/** The slot rules of a site for a service: its hours and closures, the city's holidays and time zone. */
export function dayRules(ctx: AppContext, site: SiteView, service: ResolvedService): DayRules {
  return {
    timeZone: ctx.jurisdiction.locale.timezone.value,
    slotMinutes: service.slotMinutes,
    hours: site.hours,
    closures: site.closures,
    isHoliday: (d) => isHoliday(ctx.jurisdiction, d),
  };
}

/** The public place of a site. */
export function placeOf(site: Pick<SiteView, 'id' | 'name' | 'address'>): SitePlace {
  return { id: site.id, name: site.name, address: site.address };
}
