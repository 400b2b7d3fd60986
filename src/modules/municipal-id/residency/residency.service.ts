/**
 * Residency: is an address inside the city, and in which ward and precinct. The geocoder turns the address
 * into a point (replaceable; by default the county's address points), the city map places the point. Border
 * cases and addresses the geocoder cannot find are never decided here: they go to staff, who place the
 * location by hand. Nothing leaves the server.
 */
import type { Executor } from '../../../core/db/transaction.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { type CityMap, GeodataError, type Placement, loadCityMap } from './city-map.ts';
import { type AddressQuery, AddressPointGeocoder, type Geocoder, type MatchQuality } from './geocoder.ts';
import { type LonLat, assertLonLat } from './geo.ts';

/** The outcome of checking an address. */
export type AddressCheck =
  | { kind: 'inside'; ward: number | null; precinct: string | null; matchQuality: MatchQuality }
  /** Near the city edge (either side), or the boundary files disagree: staff decide. */
  | { kind: 'review'; ward: number | null; precinct: string | null; matchQuality: MatchQuality }
  | { kind: 'outside'; matchQuality: MatchQuality }
  /** Not found (or the city's map is not installed): staff place it. */
  | { kind: 'unmatched' };

/** The geocoder the platform uses: the county's address points. Pass another to {@link checkAddress} to replace it. */
export function defaultGeocoder(db: Executor): Geocoder {
  return new AddressPointGeocoder(db);
}

/** The city map, or `undefined` (logged) when the profile's geodata is missing: then every address goes to staff. */
export function cityMapOrUndefined(ctx: AppContext): CityMap | undefined {
  try {
    return loadCityMap(ctx.jurisdiction);
  } catch (err) {
    if (!(err instanceof GeodataError)) throw err;
    ctx.log.error({ err: { type: err.name, message: err.message } }, 'residency: the city map is not available; addresses go to staff');
    return undefined;
  }
}

/** Where an address is, as far as the software can tell on its own. */
export async function checkAddress(ctx: AppContext, address: AddressQuery, geocoder: Geocoder = defaultGeocoder(ctx.db.kysely)): Promise<AddressCheck> {
  const found = await geocoder.geocode(address);
  if (!found) return { kind: 'unmatched' };
  const map = cityMapOrUndefined(ctx);
  if (!map) return { kind: 'unmatched' };
  const at = map.locate(found.point);
  if (at.needsReview) return { kind: 'review', ward: at.ward, precinct: at.precinct, matchQuality: found.matchQuality };
  if (!at.inCity) return { kind: 'outside', matchQuality: found.matchQuality };
  return { kind: 'inside', ward: at.ward, precinct: at.precinct, matchQuality: found.matchQuality };
}

/** Staff placed a point: where it is. Throws `BadCoordinatesError` for a point that is not a WGS84 position. */
export function placePoint(ctx: AppContext, point: LonLat): Placement | undefined {
  assertLonLat(point);
  return cityMapOrUndefined(ctx)?.locate(point);
}

/** The precincts staff can pick from (`ward-precinct` ids, in ward order). */
export function precinctChoices(ctx: AppContext): Array<{ id: string; ward: number | null; precinct: string }> {
  return (cityMapOrUndefined(ctx)?.precincts ?? []).map((p) => ({ id: p.id, ward: p.ward, precinct: p.precinct }));
}
