/**
 * Managing sites: details, opening hours, closures, and the services each offers with how many people per
 * slot. Administrative changes, each audited. Changes that may free seats (more capacity, longer hours, a
 * closure lifted) queue a waiting-list match in the same transaction.
 */
import { randomId } from '../../core/crypto/random.ts';
import { type Tx, inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import { localDate } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { findService } from './appointments.services.ts';
import type { ClosureReason, SiteForm } from './appointments.schemas.ts';
import { enqueueWaitlistMatch } from './bookings.service.ts';
import { bookingsRepo } from './bookings.repo.ts';
import { type SiteView, type StaffActor, loadSite, loadSites } from './site-rules.ts';
import type { OpeningRange } from './slots.ts';
import { sitesRepo } from './sites.repo.ts';
import { formatClock } from './zoned-time.ts';

/** Audit record type of a site. */
export const SITE_RECORD = 'appointments.site';

/** Who acts on sites: staff, or the system (demo data, set-up scripts). */
export type SiteActor = StaffActor | { userId: null; role: 'system'; requestId?: undefined };

async function audit(ctx: AppContext, tx: Tx, actor: SiteActor, action: string, siteId: string, detail?: string): Promise<void> {
  await ctx.audit.record(tx, {
    actor: { id: actor.userId, role: actor.role },
    action,
    record: { type: SITE_RECORD, id: siteId },
    purpose: 'administration',
    requestId: actor.requestId,
    ...(detail ? { detail } : {}),
  });
}

/** Every site (active or not) with hours, closures and services, for staff. */
export async function listSitesForStaff(ctx: AppContext): Promise<SiteView[]> {
  return loadSites(ctx.db.kysely, { activeOnly: false, fromDate: localDate(ctx.jurisdiction, ctx.now()) });
}

/** Active sites, for the public pages and staff pickers. */
export async function listActiveSites(ctx: AppContext): Promise<SiteView[]> {
  return loadSites(ctx.db.kysely, { activeOnly: true, fromDate: localDate(ctx.jurisdiction, ctx.now()) });
}

/** Creates a site (no hours and no services yet). Returns its id. */
export async function createSite(ctx: AppContext, actor: SiteActor, form: SiteForm): Promise<string> {
  const id = randomId();
  const now = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    await sitesRepo.insertSite(tx, {
      id,
      name: form.name,
      address: form.address,
      languages: JSON.stringify(form.languages),
      accessibility: JSON.stringify(form.accessibility),
      active: form.active ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    await audit(ctx, tx, actor, 'record.create', id);
  });
  return id;
}

/** Changes a site's details (name, address, languages, accessibility notes, active). */
export async function updateSite(ctx: AppContext, actor: SiteActor, id: string, form: SiteForm): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const changed = await sitesRepo.updateSite(tx, id, {
      name: form.name,
      address: form.address,
      languages: JSON.stringify(form.languages),
      accessibility: JSON.stringify(form.accessibility),
      active: form.active ? 1 : 0,
      updated_at: ctx.now().toISOString(),
    });
    if (!changed) throw new AppError('not_found');
    await audit(ctx, tx, actor, 'record.update', id, 'change.details');
  });
}

async function matchAllServices(ctx: AppContext, tx: Tx, siteId: string): Promise<void> {
  for (const s of await sitesRepo.servicesOf(tx, [siteId])) {
    if (s.active === 1 && findService(s.service_id)) await enqueueWaitlistMatch(ctx, tx, siteId, s.service_id);
  }
}

/** Replaces a site's opening hours. Existing bookings keep their times. */
export async function setHours(ctx: AppContext, actor: SiteActor, siteId: string, ranges: readonly OpeningRange[]): Promise<void> {
  const now = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await sitesRepo.findSite(tx, siteId))) throw new AppError('not_found');
    await sitesRepo.replaceHours(
      tx,
      siteId,
      ranges.map((r) => ({ id: randomId(), site_id: siteId, weekday: r.weekday, opens: formatClock(r.opens), closes: formatClock(r.closes), created_at: now })),
    );
    await audit(ctx, tx, actor, 'record.update', siteId, 'change.hours');
    await matchAllServices(ctx, tx, siteId);
  });
}

/** Closes a site for a day or a range of days. Existing bookings on those days stay (staff call the people). */
export async function addClosure(ctx: AppContext, actor: SiteActor, siteId: string, closure: { fromDate: string; toDate: string; reason: ClosureReason }): Promise<string> {
  const id = randomId();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await sitesRepo.findSite(tx, siteId))) throw new AppError('not_found');
    await sitesRepo.insertClosure(tx, { id, site_id: siteId, from_date: closure.fromDate, to_date: closure.toDate, reason: closure.reason, created_at: ctx.now().toISOString() });
    await audit(ctx, tx, actor, 'record.update', siteId, 'change.closure');
  });
  return id;
}

/** Lifts a closure. */
export async function removeClosure(ctx: AppContext, actor: SiteActor, siteId: string, closureId: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    if (!(await sitesRepo.deleteClosure(tx, siteId, closureId))) throw new AppError('not_found');
    await audit(ctx, tx, actor, 'record.update', siteId, 'change.closure');
    await matchAllServices(ctx, tx, siteId);
  });
}

/**
 * Offers a service at a site with `capacity` people per slot (or stops offering it). The capacity of slots
 * already partly booked changes too; lowering it below the seats taken cancels nobody, it only stops new
 * bookings. More capacity is offered to the waiting list.
 */
export async function setServiceCapacity(ctx: AppContext, actor: SiteActor, siteId: string, input: { serviceId: string; capacity: number; active: boolean }): Promise<void> {
  if (!findService(input.serviceId)) throw new AppError('validation', { fields: [{ field: 'service', key: 'appointments.error.service' }] });
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await sitesRepo.findSite(tx, siteId))) throw new AppError('not_found');
    await sitesRepo.upsertSiteService(tx, { site_id: siteId, service_id: input.serviceId, capacity: input.capacity, active: input.active ? 1 : 0, updated_at: now.toISOString() });
    await bookingsRepo.setFutureCapacity(tx, siteId, input.serviceId, now.toISOString(), input.capacity);
    await audit(ctx, tx, actor, 'record.update', siteId, 'change.capacity');
    if (input.active) await enqueueWaitlistMatch(ctx, tx, siteId, input.serviceId);
  });
}

/** One site for the staff edit page, or `not_found`. */
export async function siteForStaff(ctx: AppContext, id: string): Promise<SiteView> {
  const site = await loadSite(ctx, id);
  if (!site) throw new AppError('not_found');
  return site;
}
