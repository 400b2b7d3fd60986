/**
 * Data access for sites, their opening hours, closures and the services they offer. Everything here is about
 * city offices, not people.
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../core/db/transaction.ts';

export interface SiteTable {
  id: string;
  name: string;
  address: string;
  /** JSON array of language codes offered at the site. */
  languages: string;
  /** JSON object locale → accessibility notes in that language. */
  accessibility: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface SiteHoursTable {
  id: string;
  site_id: string;
  weekday: number;
  opens: string;
  closes: string;
  created_at: string;
}

export interface SiteClosureTable {
  id: string;
  site_id: string;
  from_date: string;
  to_date: string;
  reason: string;
  created_at: string;
}

export interface SiteServiceTable {
  site_id: string;
  service_id: string;
  capacity: number;
  active: number;
  updated_at: string;
}

declare module '../../core/db/schema.ts' {
  interface Database {
    appointment_sites: SiteTable;
    appointment_site_hours: SiteHoursTable;
    appointment_site_closures: SiteClosureTable;
    appointment_site_services: SiteServiceTable;
  }
}

export type SiteRow = Selectable<SiteTable>;
export type SiteHoursRow = Selectable<SiteHoursTable>;
export type SiteClosureRow = Selectable<SiteClosureTable>;
export type SiteServiceRow = Selectable<SiteServiceTable>;

export const sitesRepo = {
  async insertSite(db: Executor, row: Insertable<SiteTable>): Promise<void> {
    await db.insertInto('appointment_sites').values(row).execute();
  },

  async updateSite(db: Executor, id: string, values: Partial<Omit<SiteTable, 'id' | 'created_at'>>): Promise<boolean> {
    const r = await db.updateTable('appointment_sites').set(values).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async findSite(db: Executor, id: string): Promise<SiteRow | undefined> {
    return db.selectFrom('appointment_sites').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async listSites(db: Executor, options: { activeOnly: boolean }): Promise<SiteRow[]> {
    let q = db.selectFrom('appointment_sites').selectAll();
    if (options.activeOnly) q = q.where('active', '=', 1);
    return q.orderBy('name').orderBy('id').execute();
  },

  async hoursOf(db: Executor, siteIds: readonly string[]): Promise<SiteHoursRow[]> {
    if (siteIds.length === 0) return [];
    return db.selectFrom('appointment_site_hours').selectAll().where('site_id', 'in', siteIds).orderBy('weekday').orderBy('opens').execute();
  },

  async replaceHours(db: Executor, siteId: string, rows: ReadonlyArray<Insertable<SiteHoursTable>>): Promise<void> {
    await db.deleteFrom('appointment_site_hours').where('site_id', '=', siteId).execute();
    if (rows.length > 0) await db.insertInto('appointment_site_hours').values([...rows]).execute();
  },

  /** Closures of the sites that end on or after `fromDate`. */
  async closuresOf(db: Executor, siteIds: readonly string[], fromDate: string): Promise<SiteClosureRow[]> {
    if (siteIds.length === 0) return [];
    return db
      .selectFrom('appointment_site_closures')
      .selectAll()
      .where('site_id', 'in', siteIds)
      .where('to_date', '>=', fromDate)
      .orderBy('from_date')
      .orderBy('id')
      .execute();
  },

  async insertClosure(db: Executor, row: Insertable<SiteClosureTable>): Promise<void> {
    await db.insertInto('appointment_site_closures').values(row).execute();
  },

  async deleteClosure(db: Executor, siteId: string, id: string): Promise<boolean> {
    const r = await db.deleteFrom('appointment_site_closures').where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  },

  async servicesOf(db: Executor, siteIds: readonly string[]): Promise<SiteServiceRow[]> {
    if (siteIds.length === 0) return [];
    return db.selectFrom('appointment_site_services').selectAll().where('site_id', 'in', siteIds).orderBy('service_id').execute();
  },

  async findSiteService(db: Executor, siteId: string, serviceId: string): Promise<SiteServiceRow | undefined> {
    return db.selectFrom('appointment_site_services').selectAll().where('site_id', '=', siteId).where('service_id', '=', serviceId).executeTakeFirst();
  },

  /** Sites offering a service (active sites, active offers). */
  async sitesOffering(db: Executor, serviceId: string): Promise<SiteRow[]> {
    return db
      .selectFrom('appointment_sites')
      .innerJoin('appointment_site_services', 'appointment_site_services.site_id', 'appointment_sites.id')
      .selectAll('appointment_sites')
      .where('appointment_site_services.service_id', '=', serviceId)
      .where('appointment_site_services.active', '=', 1)
      .where('appointment_sites.active', '=', 1)
      .orderBy('appointment_sites.name')
      .orderBy('appointment_sites.id')
      .execute();
  },

  async upsertSiteService(db: Executor, row: SiteServiceRow): Promise<void> {
    await db
      .insertInto('appointment_site_services')
      .values(row)
      .onConflict((oc) => oc.columns(['site_id', 'service_id']).doUpdateSet({ capacity: row.capacity, active: row.active, updated_at: row.updated_at }))
      .execute();
  },
};
