/**
 * Data access for `address_points`: the county's public address points, loaded by
 * `sanctuary id import-addresses`. Public government data, no personal data: a street address and where it is.
 * Coordinates are stored as integer micro-degrees (exact and portable on both databases).
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../../core/db/transaction.ts';

export interface AddressPointTable {
  id: string;
  street_key: string;
  loose_key: string;
  unit_key: string;
  zip: string;
  municipality: string;
  lon_e6: number;
  lat_e6: number;
  source: string;
  import_id: string;
  imported_at: string;
}

declare module '../../../core/db/schema.ts' {
  interface Database {
    address_points: AddressPointTable;
  }
}

export type AddressPointRow = Selectable<AddressPointTable>;
export type NewAddressPoint = Insertable<AddressPointTable>;

/** What a lookup needs of a point. */
export type AddressCandidate = Pick<AddressPointRow, 'street_key' | 'unit_key' | 'zip' | 'municipality' | 'lon_e6' | 'lat_e6'>;

/** Rows per INSERT: 11 columns × 500 stays far below both databases' parameter limits. */
const INSERT_CHUNK = 500;
/** A lookup never needs more than this many candidates (a tower with hundreds of units shares one point). */
const CANDIDATE_LIMIT = 200;

export const addressPointsRepo = {
  async insertMany(db: Executor, rows: readonly NewAddressPoint[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await db.insertInto('address_points').values(rows.slice(i, i + INSERT_CHUNK)).execute();
    }
  },

  /** Deletes the rows of `source` from every import but `keepImportId` (the swap at the end of an import). */
  async deleteOtherImports(db: Executor, source: string, keepImportId: string): Promise<number> {
    const res = await db.deleteFrom('address_points').where('source', '=', source).where('import_id', '<>', keepImportId).executeTakeFirst();
    return Number(res.numDeletedRows);
  },

  /** Deletes the rows of one import (a failed one). */
  async deleteImport(db: Executor, importId: string): Promise<number> {
    const res = await db.deleteFrom('address_points').where('import_id', '=', importId).executeTakeFirst();
    return Number(res.numDeletedRows);
  },

  async byKey(db: Executor, key: string): Promise<AddressCandidate[]> {
    return db
      .selectFrom('address_points')
      .select(['street_key', 'unit_key', 'zip', 'municipality', 'lon_e6', 'lat_e6'])
      .where('street_key', '=', key)
      .orderBy('id')
      .limit(CANDIDATE_LIMIT)
      .execute();
  },

  async byLooseKey(db: Executor, looseKey: string): Promise<AddressCandidate[]> {
    return db
      .selectFrom('address_points')
      .select(['street_key', 'unit_key', 'zip', 'municipality', 'lon_e6', 'lat_e6'])
      .where('loose_key', '=', looseKey)
      .orderBy('id')
      .limit(CANDIDATE_LIMIT)
      .execute();
  },

  /** How many points each source holds (for `import-addresses --status` and the staff page). */
  async countsBySource(db: Executor): Promise<Array<{ source: string; n: number; imported_at: string }>> {
    const rows = await db
      .selectFrom('address_points')
      .select((eb) => ['source', eb.fn.countAll<number | string>().as('n'), eb.fn.max('imported_at').as('imported_at')])
      .groupBy('source')
      .orderBy('source')
      .execute();
    return rows.map((r) => ({ source: r.source, n: Number(r.n), imported_at: String(r.imported_at) }));
  },
};
