/**
 * Turning a street address into a point. The geocoder is a replaceable part behind one interface; the one
 * that ships looks addresses up in the county's public address-point file imported into `address_points`
 * (`sanctuary id import-addresses`). When it finds nothing, staff place the location by hand
 * (`residency.service.ts`). No implementation may call out of the server: a resident's address must never
 * reach a third party.
 */
import type { Executor } from '../../../core/db/transaction.ts';
import { type NormalizedAddress, normalizeAddress, normalizeZip } from './address-normalize.ts';
import { type AddressCandidate, addressPointsRepo } from './address-points.repo.ts';
import type { LonLat } from './geo.ts';

/** What a person typed. */
export interface AddressQuery {
  /** House number and street, possibly with the unit ("350 S 5th St Apt 4"). */
  line: string;
  unit?: string;
  zip?: string;
}

/**
 * How good the match is:
 * - `exact`: this address and unit are in the file;
 * - `building`: the building is, the unit is not (or none was given) — same point for residency;
 * - `approximate`: found only without directionals or street type, every candidate in one place.
 */
export type MatchQuality = 'exact' | 'building' | 'approximate';

export interface GeocodeResult {
  point: LonLat;
  matchQuality: MatchQuality;
}

/** A geocoder: a point for an address, or `null` when it cannot tell (then staff place it). */
export interface Geocoder {
  geocode(address: AddressQuery): Promise<GeocodeResult | null>;
}

/** Candidates farther apart than this are different places (the same address in two cities): no answer. */
const SAME_PLACE_METRES = 300;

function metresBetween(a: LonLat, b: LonLat): number {
  const kx = 111_320 * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  return Math.hypot((a.lon - b.lon) * kx, (a.lat - b.lat) * 110_574);
}

function pointOf(c: AddressCandidate): LonLat {
  return { lon: c.lon_e6 / 1e6, lat: c.lat_e6 / 1e6 };
}

/** The candidates' point when they are all in one place, else `undefined`. */
function onePlace(candidates: readonly AddressCandidate[]): LonLat | undefined {
  const first = candidates[0];
  if (!first) return undefined;
  const p = pointOf(first);
  return candidates.every((c) => metresBetween(p, pointOf(c)) <= SAME_PLACE_METRES) ? p : undefined;
}

/** Narrows candidates to the ZIP code when one was given and some match it. */
function byZip(candidates: readonly AddressCandidate[], zip: string): readonly AddressCandidate[] {
  if (!zip) return candidates;
  const same = candidates.filter((c) => c.zip === zip);
  return same.length > 0 ? same : candidates;
}

function pick(candidates: readonly AddressCandidate[], normalized: NormalizedAddress, zip: string): GeocodeResult | null {
  const inZip = byZip(candidates, zip);
  if (normalized.unit) {
    const unitMatch = inZip.filter((c) => c.unit_key === normalized.unit);
    const p = onePlace(unitMatch);
    if (p) return { point: p, matchQuality: 'exact' };
  }
  const building = inZip.filter((c) => c.unit_key === '');
  const p = onePlace(building.length > 0 ? building : inZip);
  if (!p) return null;
  return { point: p, matchQuality: !normalized.unit && building.length > 0 ? 'exact' : 'building' };
}

/** The address-point geocoder over `address_points`. */
export class AddressPointGeocoder implements Geocoder {
  constructor(private readonly db: Executor) {}

  async geocode(address: AddressQuery): Promise<GeocodeResult | null> {
    const normalized = normalizeAddress(address.line, address.unit);
    if (!normalized) return null;
    const zip = normalizeZip(address.zip);
    const exact = await addressPointsRepo.byKey(this.db, normalized.key);
    if (exact.length > 0) return pick(exact, normalized, zip);
    const loose = byZip(await addressPointsRepo.byLooseKey(this.db, normalized.looseKey), zip);
    const p = onePlace(loose);
    return p ? { point: p, matchQuality: 'approximate' } : null;
  }
}
